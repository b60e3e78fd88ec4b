package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.privacy.PiiCipher;
import org.opendmp.jobs.privacy.PiiKey;

/**
 * {@code ingest_store}: POS transactions and store wifi logins into bronze. The names of card-less buyers and
 * the email/phone of wifi logins go to silver.customers_pii (encrypted, PiiCipher) keyed by the record, for
 * probabilistic matching; bronze keeps hashes only.
 */
public final class IngestStore implements Job {
  @Override
  public void check(EnvConfig env) {
    PiiKey.require(env, "run ingest_store");
  }

  @Override
  public RunSummary run(JobContext ctx) {
    PiiKey key = PiiKey.require(ctx.env(), "run ingest_store");
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<FileKind> kinds =
        List.of(
            new FileKind("pos", "pos_transactions.*\\.csv", Tables.STORE_TRANSACTIONS, FeedParsers.POS_HEADER, FeedParsers.pos(conf.ids()), FeedParsers.POS_SIDE, true),
            new FileKind("wifi", "wifi_logins.*\\.csv", Tables.STORE_WIFI_LOGINS, FeedParsers.WIFI_HEADER, FeedParsers.wifi(conf.ids()), FeedParsers.WIFI_SIDE, true));
    Map<TableDef, BronzeIngest.Parsed> parsed = BronzeIngest.ingest(ctx, "store", List.of(ctx.landing("store")), kinds, conf);
    ctx.stage("merging store contact data into silver.customers_pii");
    Dataset<Row> pii =
        piiOfPos(parsed.get(Tables.STORE_TRANSACTIONS).good()).unionByName(piiOfWifi(parsed.get(Tables.STORE_WIFI_LOGINS).good()));
    upsertByKey(ctx.lake(), Lake.conform(Tables.CUSTOMERS_PII, PiiCipher.encrypt(pii, key)));
    RunSummary summary = BronzeIngest.summary(ctx, parsed);
    BronzeIngest.release(parsed);
    return summary;
  }

  /** Card-less POS lines with a name: their name and postcode (clear), keyed by record_id. */
  static Dataset<Row> piiOfPos(Dataset<Row> pos) {
    return clear(
        pos.where(col("has_name"))
            .select(
                col("record_id").as("pii_key"), lit("store").as("source"), col("first_name"), col("last_name"),
                lit(null).as("email"), lit(null).as("phone"), lit(null).as("street"), col("postcode"),
                lit(null).as("city"), lit(null).as("birth_date"), col("txn_time").as("updated_at"),
                col("run_date").as("extract_date"), lit(false).as("deleted")));
  }

  /** Wifi logins: the email or phone as typed (clear), keyed by record_id. */
  static Dataset<Row> piiOfWifi(Dataset<Row> wifi) {
    return clear(
        wifi.select(
            col("record_id").as("pii_key"), lit("wifi").as("source"), lit(null).as("first_name"),
            lit(null).as("last_name"), col("email"), col("phone"), lit(null).as("street"), lit(null).as("postcode"),
            lit(null).as("city"), lit(null).as("birth_date"), col("login_time").as("updated_at"),
            col("run_date").as("extract_date"), lit(false).as("deleted")));
  }

  /** The clear shape PiiCipher#encrypt takes: the table's columns, birth_date (DATE) instead of the encrypted ones. */
  private static Dataset<Row> clear(Dataset<Row> rows) {
    return rows.select(
        col("pii_key").cast("string"), col("source").cast("string"), col("first_name").cast("string"),
        col("last_name").cast("string"), col("email").cast("string"), col("phone").cast("string"),
        col("street").cast("string"), col("postcode").cast("string"), col("city").cast("string"),
        col("birth_date").cast("date"), col("updated_at").cast("timestamp"), col("extract_date").cast("date"),
        col("deleted").cast("boolean"));
  }

  /**
   * Inserts or replaces rows (encrypted) by pii_key: record keys are stable, and a row whose fingerprint and plain
   * columns are unchanged is not rewritten, so a re-run leaves the table as it was.
   */
  static void upsertByKey(Lake lake, Dataset<Row> rows) {
    Column changed = lit(false);
    for (String c : IngestCrm.COMPARED) {
      changed = changed.or(not(col("t." + c).eqNullSafe(col("s." + c))));
    }
    lake.delta(Tables.CUSTOMERS_PII)
        .as("t")
        .merge(rows.as("s"), col("t.pii_key").equalTo(col("s.pii_key")))
        .whenMatched(changed)
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }
}
