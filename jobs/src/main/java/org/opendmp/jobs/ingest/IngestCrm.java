package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.conform.CrmState;

/**
 * {@code ingest_crm}: CRM full and delta extracts into bronze.crm_customers (hashed contact keys), and their
 * clear contact values into silver.customers_pii, the one table allowed to hold them.
 */
public final class IngestCrm implements Job {
  static final List<String> PII_COLUMNS =
      List.of("first_name", "last_name", "email", "phone", "street", "postcode", "city", "birth_date", "updated_at");

  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    String columns = FeedParsers.CRM_COLUMNS;
    List<FileKind> kinds =
        List.of(
            new FileKind("full extract", "customers_full_\\d{8}\\.csv", Tables.CRM_CUSTOMERS, columns, FeedParsers.crm(conf.ids()), FeedParsers.CRM_SIDE, true),
            new FileKind("delta extract", "customers_delta_\\d{8}\\.csv", Tables.CRM_CUSTOMERS, "op;" + columns, FeedParsers.crm(conf.ids()), FeedParsers.CRM_SIDE, true));
    Map<TableDef, BronzeIngest.Parsed> parsed = BronzeIngest.ingest(ctx, "crm", List.of(ctx.landing("crm")), kinds, conf);
    Dataset<Row> good = parsed.get(Tables.CRM_CUSTOMERS).good();
    ctx.stage("merging CRM contact data into silver.customers_pii");
    LocalDate fullDate = CrmState.fullExtractDate(good);
    CrmState.merge(
        ctx.lake().delta(Tables.CUSTOMERS_PII), piiState(good), "pii_key", fullDate, col("t.source").equalTo("crm"), PII_COLUMNS);
    RunSummary summary = BronzeIngest.summary(ctx, parsed).with("full_extract", fullDate == null ? "none" : fullDate.toString());
    BronzeIngest.release(parsed);
    return summary;
  }

  /** silver.customers_pii rows (source crm) from the night's CRM records: one per crm_id. */
  static Dataset<Row> piiState(Dataset<Row> records) {
    return CrmState.latestPerCustomer(records)
        .select(
            col("crm_id").as("pii_key"), lit("crm").as("source"), col("first_name"), col("last_name"), col("email"),
            col("phone"), col("street"), col("postcode"), col("city"), col("birth_date"), col("updated_at"),
            col("extract_date"), col("op").equalTo("D").as("deleted"));
  }
}
