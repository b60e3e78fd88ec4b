package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring_index;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.conform.DailyCounts;

/**
 * {@code identity}: the night's deterministic links into silver.id_links, then identity.id_graph updated so that
 * every identifier seen maps to one stable person_id (merges recorded in identity.person_merges), then the
 * night's identity.audit. Only the night's identifiers and the persons their links join are touched.
 */
public final class Identity implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    IdentityConfig conf = IdentityConfig.load(ctx.conf("identity.yaml"));
    Dataset<Row> observations = lake.readDate(Tables.ID_OBSERVATIONS, date);

    ctx.stage("deterministic links");
    Dataset<Row> links =
        DeterministicLinks.of(observations, DeterministicLinks.rules(ctx.spark(), conf), conf.maxLoginsPerCookie())
            .persist(StorageLevel.MEMORY_AND_DISK());
    DailyCounts.merge(
        lake.delta(Tables.ID_LINKS),
        links.withColumn("kind", lit("deterministic")).withColumn("match_probability", lit(1.0)),
        List.of("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule"), date, "evidence_count", "last_day_count");

    ctx.stage("person ids of the night's identifiers");
    Dataset<Row> dayIds = nightIdentifiers(lake, date, observations);
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    Dataset<Row> known = graph.join(dayIds, seq("id_type", "id_value")).select("id_type", "id_value", "person_id");
    Dataset<Row> components =
        PersonAssignment.components(PersonAssignment.nightGraph(links, dayIds, known)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> persons = PersonAssignment.personPerComponent(components, date).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> merges = withTriggerRule(PersonAssignment.merges(components, persons), components, links)
        .persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> nightAssignments =
        components.where(col("id").startsWith(PersonAssignment.PERSON).unary_$bang())
            .join(persons, "component")
            .select(substring_index(col("id"), "|", 1).as("id_type"), expr("substring(id, instr(id, '|') + 1)").as("id_value"), col("person_id"));
    Dataset<Row> absorbed =
        graph.join(broadcast(merges.select("old_person_id", "new_person_id")), col("person_id").equalTo(col("old_person_id")))
            .select(col("id_type"), col("id_value"), col("new_person_id").as("person_id"));
    Dataset<Row> assignments = nightAssignments.unionByName(absorbed).dropDuplicates("id_type", "id_value");
    upsertGraph(lake, assignments, date);
    recordMerges(lake, merges, date);

    ctx.stage("audit");
    Map<String, Object> audit = IdentityAudit.write(lake, date, links, merges);
    long linkCount = links.count();
    long newPersons = persons.where(col("new_person")).count();
    long mergeCount = merges.count();
    links.unpersist();
    components.unpersist();
    persons.unpersist();
    merges.unpersist();
    Map<String, Object> details = new LinkedHashMap<>(audit);
    details.put("new_persons", newPersons);
    details.put("merges", mergeCount);
    return new RunSummary(ctx.job(), date, linkCount, linkCount + newPersons, 0, details);
  }

  static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }

  /** Every identifier of the night: both sides of each observation and the key of each event. */
  static Dataset<Row> nightIdentifiers(Lake lake, LocalDate date, Dataset<Row> observations) {
    return lake.readDate(Tables.EVENTS, date).select("id_type", "id_value")
        .unionByName(observations.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value")))
        .unionByName(observations.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")))
        .where(col("id_value").isNotNull().and(col("id_type").notEqual("pii_record")))
        .distinct();
  }

  /** Each merge with the smallest rule name among the night's links inside the component that caused it. */
  static Dataset<Row> withTriggerRule(Dataset<Row> merges, Dataset<Row> components, Dataset<Row> links) {
    Dataset<Row> rulePerComponent =
        links.select(PersonAssignment.key(col("id_type_a"), col("id_value_a")).as("id"), col("rule"))
            .join(components, "id")
            .groupBy("component")
            .agg(min("rule").as("rule"));
    Dataset<Row> survivorComponent = components.where(col("id").startsWith(PersonAssignment.PERSON))
        .select(col("component"), expr("substring(id, " + (PersonAssignment.PERSON.length() + 1) + ")").as("old_person_id"));
    return merges.join(survivorComponent, "old_person_id").join(rulePerComponent, seq("component"), "left")
        .select(col("old_person_id"), col("new_person_id"), col("rule"));
  }

  /** Inserts new identifiers and moves changed ones; unchanged rows are not rewritten. */
  static void upsertGraph(Lake lake, Dataset<Row> assignments, LocalDate date) {
    Map<String, Column> update = new LinkedHashMap<>();
    update.put("person_id", col("s.person_id"));
    update.put("last_changed", lit(date));
    Map<String, Column> insert = new LinkedHashMap<>();
    insert.put("id_type", col("s.id_type"));
    insert.put("id_value", col("s.id_value"));
    insert.put("person_id", col("s.person_id"));
    insert.put("first_seen", lit(date));
    insert.put("last_changed", lit(date));
    lake.delta(Tables.ID_GRAPH).as("t")
        .merge(assignments.as("s"), col("t.id_type").equalTo(col("s.id_type")).and(col("t.id_value").equalTo(col("s.id_value"))))
        .whenMatched(col("t.person_id").notEqual(col("s.person_id")))
        .update(update)
        .whenNotMatched()
        .insert(insert)
        .execute();
  }

  /** Adds the night's merges; a re-run finds none (the persons are already one) and keeps what was recorded. */
  static void recordMerges(Lake lake, Dataset<Row> merges, LocalDate date) {
    Dataset<Row> rows = Lake.conform(Tables.PERSON_MERGES, merges.withColumn("run_date", lit(date)));
    lake.delta(Tables.PERSON_MERGES).as("t")
        .merge(rows.as("s"), col("t.run_date").equalTo(col("s.run_date")).and(col("t.old_person_id").equalTo(col("s.old_person_id"))))
        .whenNotMatched()
        .insertAll()
        .execute();
  }
}
