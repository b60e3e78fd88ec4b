package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.privacy.PiiKey;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.conform.DailyCounts;

/**
 * {@code identity}: the night's links (deterministic rules, probabilistic matches, device pairs) into
 * silver.id_links; then identity.id_graph updated so that every identifier seen maps to one stable person_id,
 * under the guards of conf/identity.yaml (blocked values, shared values tie households instead of persons,
 * unique types and the person size cap split a component at its weakest links); merges and splits recorded in
 * identity.person_merges; identity.households; the night's identity.audit. Only the night's identifiers and the
 * persons their links join are touched. Device links are a separate layer: they never move person ids.
 */
public final class Identity implements Job {
  static final String DETERMINISTIC = "deterministic";

  @Override
  public void check(org.opendmp.common.config.EnvConfig env) {
    IdentityConfig.load(env.conf("identity.yaml"));
    PiiKey.require(env, "run identity");
  }

  @Override
  public RunSummary run(JobContext ctx) {
    PiiKey.require(ctx.env(), "run identity"); // probabilistic matching reads silver.customers_pii decrypted
    LocalDate date = ctx.date();
    IdentityConfig conf = IdentityConfig.load(ctx.conf("identity.yaml"));
    Dataset<Row> observations = ctx.lake().readDate(Tables.ID_OBSERVATIONS, date);
    Dataset<Row> links = nightLinks(ctx, conf, observations);

    ctx.stage("shared identifiers");
    Dataset<Row> shared = IdGuards.sharedValues(windowLinks(ctx.lake(), date, links, conf).localCheckpoint(), conf.idTypes()).localCheckpoint();
    Dataset<Row> candidates = links.where(col("kind").notEqual(DeviceLinks.KIND).and(sameUniqueType(conf).unary_$bang()));
    Dataset<Row> marked = IdGuards.markShared(candidates, shared).localCheckpoint();
    Dataset<Row> sharedLinks = marked.where(col("shared"));

    Persons persons = assignPersons(ctx, conf, observations, marked.where(col("shared").unary_$bang()));

    ctx.stage("households");
    long householdPersons = Households.update(ctx.lake(), date, sharedLinks);

    ctx.stage("audit");
    Map<String, Object> details = new LinkedHashMap<>(IdentityAudit.write(ctx.lake(), date, links, sharedLinks, persons.merges(), persons.splits()));
    long linkCount = links.count();
    details.put("new_persons", persons.created());
    details.put("household_persons_updated", householdPersons);
    return new RunSummary(ctx.job(), date, linkCount, linkCount + persons.created(), 0, details);
  }

  /** What the night did to persons: its merges and splits (person_merges rows but event and run_date) and new persons. */
  record Persons(Dataset<Row> merges, Dataset<Row> splits, long created) {}

  /**
   * The night's links of every layer, blocked values left out, merged into silver.id_links and returned
   * materialised (a local checkpoint, as the frames after it: the night's frames are each read several times,
   * and their plans, repeated in every reader, would otherwise grow until analysis alone takes minutes).
   */
  static Dataset<Row> nightLinks(JobContext ctx, IdentityConfig conf, Dataset<Row> observations) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    ctx.stage("deterministic links");
    Dataset<Row> deterministic =
        DeterministicLinks.of(observations, DeterministicLinks.rules(ctx.spark(), conf))
            .select(col("id_type_a"), col("id_value_a"), col("id_type_b"), col("id_value_b"), col("rule"), lit(DETERMINISTIC).as("kind"),
                lit(1.0).as("match_probability"), lit(null).cast("map<string,double>").as("match_weights"), col("n"));
    ctx.stage("probabilistic links");
    Dataset<Row> probabilistic = ProbabilisticLinks.night(
        ctx.spark(), lake, date, conf.probabilistic(), ctx.conf("identity.yaml").getParent(), PiiKey.require(ctx.env(), "run identity"));
    ctx.stage("device links");
    Dataset<Row> device = DeviceLinks.night(ctx.spark(), lake, date, conf.device());
    Dataset<Row> links =
        IdGuards.withoutBlocked(deterministic.unionByName(probabilistic).unionByName(device), conf.idTypes()).localCheckpoint();
    ctx.stage("merging the night's links into silver.id_links");
    DailyCounts.merge(lake.delta(Tables.ID_LINKS), links, List.of("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule"), date,
        "evidence_count", "last_day_count", List.of("kind", "match_probability", "match_weights"));
    return links;
  }

  /**
   * The night's persons: components of the night's graph under the guards, one stable id each, written to
   * identity.id_graph with the night's merges and splits in identity.person_merges.
   */
  static Persons assignPersons(JobContext ctx, IdentityConfig conf, Dataset<Row> observations, Dataset<Row> personLinks) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    ctx.stage("person ids of the night's identifiers");
    // The night's identifiers and every end of its person links (a probabilistic link may reach a customer the
    // night did not otherwise see): all of them must find their existing person.
    Dataset<Row> dayIds =
        IdGuards.withoutBlockedIds(nightIdentifiers(lake, date, observations).unionByName(ends(personLinks)).distinct(), conf.idTypes())
            .localCheckpoint();
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    Dataset<Row> known = graph.join(dayIds, seq("id_type", "id_value")).select("id_type", "id_value", "person_id").localCheckpoint();
    Dataset<Row> existing = personsOf(graph, known, conf).localCheckpoint();
    Dataset<Row> raw = PersonAssignment.components(PersonAssignment.nightGraph(personLinks, dayIds, known));
    ctx.stage("person guards (unique types, size cap)");
    PersonGuards.Guarded guarded = PersonGuards.apply(raw, personLinks, known, existing, conf);
    Dataset<Row> components = guarded.components().localCheckpoint();
    Dataset<Row> persons = PersonAssignment.personPerComponent(components, existing, date).localCheckpoint();
    Dataset<Row> merges = withTrigger(PersonAssignment.merges(components, persons), components, personLinks).localCheckpoint();

    Dataset<Row> nightAssignments =
        components.where(col("id").startsWith(PersonAssignment.PERSON).unary_$bang())
            .join(persons, "component")
            .select(col("id"), col("person_id"));
    Dataset<Row> absorbed =
        graph.join(broadcast(merges.select("old_person_id", "new_person_id")), col("person_id").equalTo(col("old_person_id")))
            .select(col("id_type"), col("id_value"), col("new_person_id").as("person_id"));
    Dataset<Row> assignments =
        nightAssignments.select(substring_index(col("id"), "|", 1).as("id_type"), expr("substring(id, instr(id, '|') + 1)").as("id_value"), col("person_id"))
            .unionByName(absorbed).dropDuplicates("id_type", "id_value");
    Dataset<Row> splits = splitEvents(guarded.cuts(), nightAssignments).localCheckpoint();
    ctx.stage("writing identity.id_graph and identity.person_merges");
    upsertGraph(lake, assignments, date);
    recordEvents(lake, merges.withColumn("event", lit("merge")).unionByName(splits), date);
    return new Persons(merges, splits, persons.where(col("new_person")).count());
  }

  /** Both ends of each link: {@code id_type, id_value}. */
  static Dataset<Row> ends(Dataset<Row> links) {
    return links.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value"))
        .unionByName(links.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")));
  }

  /** Whether a link joins two values of one unique type (a CRM duplicate): evidence for the CRM, never a person. */
  static Column sameUniqueType(IdentityConfig conf) {
    return col("id_type_a").equalTo(col("id_type_b")).and(PersonGuards.isUnique(col("id_type_a"), conf));
  }

  /**
   * The links the shared-value guard counts: silver.id_links rows (tonight's included, device links not) seen
   * within the longest window of a guarded type and touching one of tonight's identifiers, with an end whose
   * type has a cap. Columns {@code id_type_a .. id_value_b, last_seen}.
   */
  static Dataset<Row> windowLinks(Lake lake, LocalDate date, Dataset<Row> nightLinks, IdentityConfig conf) {
    int window = conf.idTypes().stream().filter(t -> !t.maxLinks().isEmpty()).mapToInt(IdTypeRule::windowDays).max().orElse(0);
    if (window == 0) {
      return nightLinks.select("id_type_a", "id_value_a", "id_type_b", "id_value_b").limit(0);
    }
    Dataset<Row> ends =
        nightLinks.select(col("id_type_a").as("t"), col("id_value_a").as("v"))
            .unionByName(nightLinks.select(col("id_type_b").as("t"), col("id_value_b").as("v"))).distinct();
    Dataset<Row> recent =
        lake.read(Tables.ID_LINKS)
            .where(col("kind").notEqual(DeviceLinks.KIND)
                .and(col("last_seen").geq(lit(date.minusDays(window - 1)))).and(col("first_seen").leq(lit(date))));
    Dataset<Row> byA = recent.join(ends, col("id_type_a").equalTo(col("t")).and(col("id_value_a").equalTo(col("v"))), "left_semi");
    Dataset<Row> byB = recent.join(ends, col("id_type_b").equalTo(col("t")).and(col("id_value_b").equalTo(col("v"))), "left_semi");
    return byA.unionByName(byB).select("id_type_a", "id_value_a", "id_type_b", "id_value_b").distinct();
  }

  /**
   * The existing persons of the night's identifiers, as the guards need them: {@code person_id, size} (its
   * identifiers in id_graph) and {@code uniques} (its values of unique types, {@code type|value}).
   */
  static Dataset<Row> personsOf(Dataset<Row> graph, Dataset<Row> known, IdentityConfig conf) {
    Column uniqueKey = when(PersonGuards.isUnique(col("id_type"), conf), PersonAssignment.key(col("id_type"), col("id_value")));
    return graph.join(known.select("person_id").distinct(), "person_id")
        .groupBy("person_id")
        .agg(count(lit(1)).as("size"), collect_set(uniqueKey).as("uniques"));
  }

  /**
   * Each cut link as a split event: the person of each side after the night. Input: {@code cuts} (component,
   * id_a, id_b, rule, reason: node keys; a side may be an existing person node), {@code assignments} (id,
   * person_id). Output: the identity.person_merges columns but run_date, event {@code split}.
   */
  static Dataset<Row> splitEvents(Dataset<Row> cuts, Dataset<Row> assignments) {
    Column personA = coalesce(col("pa"), when(col("id_a").startsWith(PersonAssignment.PERSON), col("id_a").substr(PersonAssignment.PERSON.length() + 1, 1000)));
    Column personB = coalesce(col("pb"), when(col("id_b").startsWith(PersonAssignment.PERSON), col("id_b").substr(PersonAssignment.PERSON.length() + 1, 1000)));
    return cuts.join(assignments.select(col("id").as("id_a"), col("person_id").as("pa")), seq("id_a"), "left")
        .join(assignments.select(col("id").as("id_b"), col("person_id").as("pb")), seq("id_b"), "left")
        .select(
            lit("split").as("event"), personA.as("old_person_id"), personB.as("new_person_id"), col("rule"),
            substring_index(col("id_a"), "|", 1).as("id_type_a"), expr("substring(id_a, instr(id_a, '|') + 1)").as("id_value_a"),
            substring_index(col("id_b"), "|", 1).as("id_type_b"), expr("substring(id_b, instr(id_b, '|') + 1)").as("id_value_b"),
            col("reason"));
  }

  static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }

  /**
   * Every identifier of the night: both sides of each observation and the key of each event (a card-less store
   * purchase is keyed by its {@code pii_record}, which a probabilistic link may tie to its customer).
   */
  static Dataset<Row> nightIdentifiers(Lake lake, LocalDate date, Dataset<Row> observations) {
    return lake.readDate(Tables.EVENTS, date).select("id_type", "id_value")
        .unionByName(observations.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value")))
        .unionByName(observations.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")))
        .where(col("id_value").isNotNull())
        .distinct();
  }

  /**
   * Each merge with the link that caused it: the smallest (rule, identifiers) among the night's person links
   * inside the merged component. Output: the identity.person_merges columns but event and run_date.
   */
  static Dataset<Row> withTrigger(Dataset<Row> merges, Dataset<Row> components, Dataset<Row> links) {
    Dataset<Row> linkPerComponent =
        links.select(PersonAssignment.key(col("id_type_a"), col("id_value_a")).as("id"),
                struct(col("rule"), col("id_type_a"), col("id_value_a"), col("id_type_b"), col("id_value_b")).as("link"))
            .join(components, "id")
            .groupBy("component")
            .agg(min("link").as("link"));
    Dataset<Row> survivorComponent = components.where(col("id").startsWith(PersonAssignment.PERSON))
        .select(col("component"), expr("substring(id, " + (PersonAssignment.PERSON.length() + 1) + ")").as("old_person_id"));
    return merges.join(survivorComponent, "old_person_id").join(linkPerComponent, seq("component"), "left")
        .select(col("old_person_id"), col("new_person_id"), col("link.rule").as("rule"), col("link.id_type_a").as("id_type_a"),
            col("link.id_value_a").as("id_value_a"), col("link.id_type_b").as("id_type_b"), col("link.id_value_b").as("id_value_b"),
            lit(null).cast("string").as("reason"));
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

  /**
   * Adds the night's merges and splits. A re-run finds no merge (the persons are already one) and the same
   * splits, so what was recorded stays as it was.
   */
  static void recordEvents(Lake lake, Dataset<Row> events, LocalDate date) {
    Dataset<Row> rows = Lake.conform(Tables.PERSON_MERGES, events.withColumn("run_date", lit(date)));
    Column same = col("t.run_date").equalTo(col("s.run_date")).and(col("t.event").equalTo(col("s.event")));
    Column merge = col("s.event").equalTo("merge").and(col("t.old_person_id").equalTo(col("s.old_person_id")));
    Column split = col("s.event").equalTo("split").and(col("t.rule").equalTo(col("s.rule")))
        .and(col("t.id_type_a").equalTo(col("s.id_type_a"))).and(col("t.id_value_a").equalTo(col("s.id_value_a")))
        .and(col("t.id_type_b").equalTo(col("s.id_type_b"))).and(col("t.id_value_b").equalTo(col("s.id_value_b")));
    lake.delta(Tables.PERSON_MERGES).as("t")
        .merge(rows.as("s"), same.and(merge.or(split)))
        .whenNotMatched()
        .insertAll()
        .execute();
  }
}
