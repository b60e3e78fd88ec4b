package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.identity.graph.Components;

/**
 * identity.households: the persons tied by a shared identifier (a family computer's cookie seen with several
 * logins, a shared account) form a household instead of being merged into one person. Households are kept like
 * persons: existing households enter the night's small graph as nodes, a component keeps its smallest existing
 * household id (the oldest) or gets a new one ({@code H<date>-...}), and only the persons of the night's shared links are
 * touched.
 */
final class Households {
  private Households() {}

  static final String HOUSEHOLD = "household|";

  /**
   * Updates identity.households with the night's shared links and returns how many persons it placed.
   *
   * @param sharedLinks the night's links cut by the shared-value guard ({@code id_type_a .. id_value_b})
   */
  static long update(Lake lake, LocalDate date, Dataset<Row> sharedLinks) {
    Dataset<Row> ends =
        sharedLinks.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value"))
            .unionByName(sharedLinks.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")))
            .distinct();
    Dataset<Row> personOf = lake.read(Tables.ID_GRAPH).join(ends, Identity.seq("id_type", "id_value")).select("id_type", "id_value", "person_id");
    Dataset<Row> a = personOf.select(col("id_type").as("id_type_a"), col("id_value").as("id_value_a"), col("person_id").as("pa"));
    Dataset<Row> b = personOf.select(col("id_type").as("id_type_b"), col("id_value").as("id_value_b"), col("person_id").as("pb"));
    Dataset<Row> personPairs =
        sharedLinks.join(a, Identity.seq("id_type_a", "id_value_a")).join(b, Identity.seq("id_type_b", "id_value_b"))
            .select(concat(lit(PersonAssignment.PERSON), col("pa")).as("id_a"), concat(lit(PersonAssignment.PERSON), col("pb")).as("id_b"))
            .distinct()
            .cache();
    if (personPairs.isEmpty()) {
      personPairs.unpersist();
      return 0;
    }
    Dataset<Row> persons =
        personPairs.select(col("id_a").as("node")).unionByName(personPairs.select(col("id_b").as("node"))).distinct()
            .select(col("node").substr(PersonAssignment.PERSON.length() + 1, 1000).as("person_id"));
    Dataset<Row> existing =
        lake.read(Tables.HOUSEHOLDS).join(broadcast(persons), "person_id")
            .select(concat(lit(PersonAssignment.PERSON), col("person_id")).as("id_a"), concat(lit(HOUSEHOLD), col("household_id")).as("id_b"));
    Dataset<Row> components = Components.ofIdentifiers(personPairs.unionByName(existing));
    Dataset<Row> noSizes = lake.spark().emptyDataFrame().select(lit("").as("entity_id"), lit(0L).as("size")).limit(0);
    Dataset<Row> ids = PersonAssignment.idPerComponent(components, noSizes, date, HOUSEHOLD, "H");
    Dataset<Row> assignments =
        components.where(col("id").startsWith(PersonAssignment.PERSON))
            .join(ids, "component")
            .select(col("id").substr(PersonAssignment.PERSON.length() + 1, 1000).as("person_id"), col("entity_id").as("household_id"));
    // Members of a household absorbed tonight that were not themselves touched follow the survivor.
    Dataset<Row> absorbed =
        components.where(col("id").startsWith(HOUSEHOLD))
            .select(col("component"), col("id").substr(HOUSEHOLD.length() + 1, 1000).as("old_household_id"))
            .join(ids, "component")
            .where(col("old_household_id").notEqual(col("entity_id")))
            .select(col("old_household_id"), col("entity_id").as("new_household_id"));
    Dataset<Row> moved =
        lake.read(Tables.HOUSEHOLDS).join(broadcast(absorbed), col("household_id").equalTo(col("old_household_id")))
            .select(col("person_id"), col("new_household_id").as("household_id"));
    Dataset<Row> all = assignments.unionByName(moved).dropDuplicates("person_id").localCheckpoint();
    upsert(lake, all, date);
    personPairs.unpersist();
    return all.count();
  }

  private static void upsert(Lake lake, Dataset<Row> assignments, LocalDate date) {
    Map<String, Column> update = new LinkedHashMap<>();
    update.put("household_id", col("s.household_id"));
    update.put("last_changed", lit(date));
    Map<String, Column> insert = new LinkedHashMap<>();
    insert.put("person_id", col("s.person_id"));
    insert.put("household_id", col("s.household_id"));
    insert.put("first_seen", lit(date));
    insert.put("last_changed", lit(date));
    lake.delta(Tables.HOUSEHOLDS).as("t")
        .merge(assignments.as("s"), col("t.person_id").equalTo(col("s.person_id")))
        .whenMatched(col("t.household_id").notEqual(col("s.household_id")))
        .update(update)
        .whenNotMatched()
        .insert(insert)
        .execute();
  }
}
