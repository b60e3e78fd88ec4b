package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/**
 * {@code ingest_store}: POS transactions and store wifi logins into bronze. The names of card-less buyers and
 * the clear email/phone of wifi logins go to silver.customers_pii keyed by the record, for probabilistic
 * matching; bronze keeps hashes only.
 */
public final class IngestStore implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<FileKind> kinds =
        List.of(
            new FileKind("pos", "pos_transactions.*\\.csv", Tables.STORE_TRANSACTIONS, FeedParsers.POS_HEADER, FeedParsers.pos(conf.ids()), FeedParsers.POS_SIDE, true),
            new FileKind("wifi", "wifi_logins.*\\.csv", Tables.STORE_WIFI_LOGINS, FeedParsers.WIFI_HEADER, FeedParsers.wifi(conf.ids()), FeedParsers.WIFI_SIDE, true));
    Map<TableDef, BronzeIngest.Parsed> parsed = BronzeIngest.ingest(ctx, "store", List.of(ctx.landing("store")), kinds, conf);
    ctx.stage("merging store contact data into silver.customers_pii");
    Dataset<Row> pii =
        piiOfPos(parsed.get(Tables.STORE_TRANSACTIONS).good()).unionByName(piiOfWifi(parsed.get(Tables.STORE_WIFI_LOGINS).good()));
    upsertByKey(ctx.lake(), pii);
    RunSummary summary = BronzeIngest.summary(ctx, parsed);
    BronzeIngest.release(parsed);
    return summary;
  }

  /** Card-less POS lines with a name: their name and postcode, keyed by record_id. */
  static Dataset<Row> piiOfPos(Dataset<Row> pos) {
    return Lake.conform(
        Tables.CUSTOMERS_PII,
        pos.where(col("has_name"))
            .select(
                col("record_id").as("pii_key"), lit("store").as("source"), col("first_name"), col("last_name"),
                lit(null).as("email"), lit(null).as("phone"), lit(null).as("street"), col("postcode"),
                lit(null).as("city"), lit(null).as("birth_date"), col("txn_time").as("updated_at"),
                col("run_date").as("extract_date"), lit(false).as("deleted")));
  }

  /** Wifi logins: the email or phone as typed, keyed by record_id. */
  static Dataset<Row> piiOfWifi(Dataset<Row> wifi) {
    return Lake.conform(
        Tables.CUSTOMERS_PII,
        wifi.select(
            col("record_id").as("pii_key"), lit("wifi").as("source"), lit(null).as("first_name"),
            lit(null).as("last_name"), col("email"), col("phone"), lit(null).as("street"), lit(null).as("postcode"),
            lit(null).as("city"), lit(null).as("birth_date"), col("login_time").as("updated_at"),
            col("run_date").as("extract_date"), lit(false).as("deleted")));
  }

  /** Inserts or replaces rows by pii_key: record keys are stable, so a re-run rewrites the same rows. */
  static void upsertByKey(Lake lake, Dataset<Row> rows) {
    lake.delta(Tables.CUSTOMERS_PII)
        .as("t")
        .merge(rows.as("s"), col("t.pii_key").equalTo(col("s.pii_key")))
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }
}
