package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.conform.CrmState;
import org.opendmp.jobs.privacy.PiiCipher;
import org.opendmp.jobs.privacy.PiiKey;

/**
 * {@code ingest_crm}: CRM full and delta extracts into bronze.crm_customers (hashed contact keys), and their
 * contact values into silver.customers_pii, the one table allowed to hold them, encrypted (PiiCipher).
 */
public final class IngestCrm implements Job {
  /** Columns a deletion clears. */
  static final List<String> PII_COLUMNS =
      List.of("first_name", "last_name", "email", "phone", "street", "postcode", "city", "birth_date_enc", "updated_at",
          PiiCipher.FINGERPRINT);
  /** What makes a row changed: the plain columns and the fingerprint of the encrypted ones (never the ciphertext). */
  static final List<String> COMPARED =
      List.of("source", "postcode", "city", "updated_at", "extract_date", "deleted", PiiCipher.FINGERPRINT);

  @Override
  public void check(EnvConfig env) {
    PiiKey.require(env, "run ingest_crm");
  }

  @Override
  public RunSummary run(JobContext ctx) {
    PiiKey key = PiiKey.require(ctx.env(), "run ingest_crm");
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
        ctx.lake().delta(Tables.CUSTOMERS_PII), Lake.conform(Tables.CUSTOMERS_PII, PiiCipher.encrypt(piiState(good), key)),
        "pii_key", fullDate, col("t.source").equalTo("crm"), PII_COLUMNS, COMPARED);
    RunSummary summary = BronzeIngest.summary(ctx, parsed).with("full_extract", fullDate == null ? "none" : fullDate.toString());
    BronzeIngest.release(parsed);
    return summary;
  }

  /** silver.customers_pii rows (source crm, clear: see PiiCipher#encrypt) from the night's CRM records: one per crm_id. */
  static Dataset<Row> piiState(Dataset<Row> records) {
    return CrmState.latestPerCustomer(records)
        .select(
            col("crm_id").as("pii_key"), lit("crm").as("source"), col("first_name"), col("last_name"), col("email"),
            col("phone"), col("street"), col("postcode"), col("city"), col("birth_date"), col("updated_at"),
            col("extract_date"), col("op").equalTo("D").as("deleted"));
  }
}
