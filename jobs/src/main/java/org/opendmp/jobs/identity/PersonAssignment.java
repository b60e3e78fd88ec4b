package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.identity.graph.Components;

/**
 * Stable person ids for a night's identifiers, touching only what the night's links join. Existing persons
 * enter the night's small graph as nodes of their own ({@code person|<id>}); each component of that graph is one
 * person: it keeps the id of its largest existing person (the oldest among equals: ids start with their
 * creation date), or gets a new id derived from the component. Pure transforms, no IO.
 */
public final class PersonAssignment {
  private PersonAssignment() {}

  static final String PERSON = "person|";

  /** The node key of an identifier: {@code type|value}. */
  static Column key(Column type, Column value) {
    return concat_ws("|", type, value);
  }

  /**
   * The night's graph: links between identifiers, each identifier of the night (a self-edge, so that identifiers
   * without links still get a person), and each identifier already in the graph tied to its person node.
   * Input: {@code links} (id_type_a, id_value_a, id_type_b, id_value_b), {@code dayIds} (id_type, id_value),
   * {@code known} = id_graph rows of the night's identifiers (id_type, id_value, person_id). Output: {@code
   * id_a, id_b} node keys.
   */
  public static Dataset<Row> nightGraph(Dataset<Row> links, Dataset<Row> dayIds, Dataset<Row> known) {
    return links.select(key(col("id_type_a"), col("id_value_a")).as("id_a"), key(col("id_type_b"), col("id_value_b")).as("id_b"))
        .unionByName(dayIds.select(key(col("id_type"), col("id_value")).as("id_a"), key(col("id_type"), col("id_value")).as("id_b")))
        .unionByName(known.select(key(col("id_type"), col("id_value")).as("id_a"), concat(lit(PERSON), col("person_id")).as("id_b")));
  }

  /**
   * The person of each component of the night's graph: of the existing persons in it, the one with the most
   * identifiers survives (so that a merge moves as few identifiers as it can), the oldest (smallest id) among
   * equals; a component without one gets a new id. Input: {@code components} ({@code id, component}, from
   * components over the night graph); {@code sizes} ({@code person_id, size}: the existing persons' identifier
   * counts; a person missing from it counts 0). Output: {@code component, person_id, new_person} (true when
   * minted tonight).
   */
  public static Dataset<Row> personPerComponent(Dataset<Row> components, Dataset<Row> sizes, LocalDate date) {
    return idPerComponent(components, sizes.select(col("person_id").as("entity_id"), col("size")), date, PERSON, "P")
        .withColumnRenamed("entity_id", "person_id").withColumnRenamed("new_entity", "new_person");
  }

  /**
   * The stable id of each component of a graph whose existing entities (persons, households) are nodes keyed
   * {@code nodePrefix + id}: the largest existing entity by {@code sizes} ({@code entity_id, size}), the
   * smallest id among equals, or a new id {@code idPrefix + date + "-" + hash of the component}. Input:
   * {@code id, component}. Output: {@code component, entity_id, new_entity}.
   */
  public static Dataset<Row> idPerComponent(
      Dataset<Row> components, Dataset<Row> sizes, LocalDate date, String nodePrefix, String idPrefix) {
    Column existing = when(col("id").startsWith(nodePrefix), col("id").substr(nodePrefix.length() + 1, 1000));
    String day = date.format(DateTimeFormatter.BASIC_ISO_DATE);
    Dataset<Row> nodes =
        components.select(col("component"), existing.as("entity_id"))
            .join(sizes, Identity.seq("entity_id"), "left");
    // min over (-size, id): the largest, then the oldest; rows of identifiers (entity_id null) sort last
    Column rank = when(col("entity_id").isNotNull(), struct(coalesce(col("size"), lit(0L)).multiply(-1).as("s"), col("entity_id").as("e")));
    return nodes.groupBy("component")
        .agg(min(rank).as("best"))
        .select(
            col("component"),
            when(col("best").isNotNull(), col("best.e"))
                .otherwise(concat(lit(idPrefix + day + "-"), substring(sha2(col("component"), 256), 1, 12)))
                .as("entity_id"),
            col("best").isNull().as("new_entity"));
  }

  /**
   * Person ids absorbed tonight: every existing person of a component other than its survivor. Output: {@code
   * old_person_id, new_person_id}.
   */
  public static Dataset<Row> merges(Dataset<Row> components, Dataset<Row> persons) {
    return components.where(col("id").startsWith(PERSON))
        .select(col("component"), col("id").substr(PERSON.length() + 1, 1000).as("old_person_id"))
        .join(persons, "component")
        .where(col("old_person_id").notEqual(col("person_id")))
        .select(col("old_person_id"), col("person_id").as("new_person_id"))
        .distinct();
  }

  /** Runs components over the night graph ({@code id_a, id_b}): {@code id, component}. */
  public static Dataset<Row> components(Dataset<Row> nightGraph) {
    return Components.ofIdentifiers(nightGraph);
  }
}
