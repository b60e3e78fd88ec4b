package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The person guards: a person holds at most one value of each unique type (two crm_ids are two people) and at
 * most {@code max_person_size} identifiers. Components of the night's graph that break neither (nearly all)
 * pass through untouched, in SQL. Each that breaks one is solved on its own, Kruskal-style: its links are taken
 * strongest first (an identifier's membership of its existing person, then deterministic before
 * probabilistic links, links whose weaker type has the higher priority, more evidence, higher probability), and
 * a link that would join two different values of a unique type, or make the person too large, is cut. So a
 * component is split at its weakest links, and every cut is returned to be recorded.
 */
public final class PersonGuards {
  private PersonGuards() {}

  static final String UNIQUE = "unique:";
  static final String TOO_LARGE = "max_person_size";

  private static final StructType ELEMENT =
      StructType.fromDDL("component STRING, a STRING, b STRING, weight BIGINT, uniques ARRAY<STRING>, kind_rank INT,"
          + " type_rank INT, n BIGINT, probability DOUBLE, rule STRING");
  private static final StructType RESULT =
      StructType.fromDDL("component STRING, id STRING, group_id STRING, id_b STRING, rule STRING, reason STRING");

  /** The guarded components and the cut links. */
  public record Guarded(Dataset<Row> components, Dataset<Row> cuts) {}

  /**
   * Applies the guards. Runs one Spark job (the broken components are solved once and kept as a local
   * checkpoint); the returned frames are lazy over it.
   *
   * @param components {@code id, component} over the night's graph ({@link PersonAssignment#nightGraph})
   * @param links the night's person-forming links: {@code id_type_a, id_value_a, id_type_b, id_value_b, rule,
   *     kind, match_probability, n}
   * @param known {@code id_type, id_value, person_id}: the night's identifiers already in a person
   * @param persons {@code person_id, size, uniques ARRAY<STRING>}: each existing person of the night's
   *     components with its identifier count and its values of unique types ({@code type|value})
   * @return {@code components}: {@code id, component}, where the members of a split component get the component
   *     of their part ({@code component#smallest member}); {@code cuts}: {@code component, id_a, id_b, rule,
   *     reason} (node keys; reason {@code unique:<type>} or {@value #TOO_LARGE}), one row per cut link
   */
  public static Guarded apply(
      Dataset<Row> components, Dataset<Row> links, Dataset<Row> known, Dataset<Row> persons, IdentityConfig conf) {
    Column type = substring_index(col("id"), "|", 1);
    Dataset<Row> knownKeys = known.select(PersonAssignment.key(col("id_type"), col("id_value")).as("id"), lit(true).as("known"));
    Dataset<Row> personKeys = persons.select(concat(lit(PersonAssignment.PERSON), col("person_id")).as("id"), col("size"), col("uniques"));
    Dataset<Row> nodes =
        components.join(knownKeys, Identity.seq("id"), "left").join(personKeys, Identity.seq("id"), "left")
            .select(
                col("component"), col("id"),
                when(col("id").startsWith(PersonAssignment.PERSON), coalesce(col("size"), lit(0L)))
                    .when(col("known").isNotNull(), lit(0L)).otherwise(lit(1L)).as("weight"),
                when(col("id").startsWith(PersonAssignment.PERSON), coalesce(col("uniques"), array().cast("array<string>")))
                    .when(isUnique(type, conf), array(col("id"))).otherwise(array().cast("array<string>")).as("uniques"));
    Dataset<Row> tooLarge = nodes.groupBy("component").agg(sum("weight").as("w")).where(col("w").gt(conf.maxPersonSize())).select("component");
    Dataset<Row> twoUniques =
        nodes.select(col("component"), explode(col("uniques")).as("u"))
            .groupBy(col("component"), substring_index(col("u"), "|", 1))
            .agg(countDistinct("u").as("values"))
            .where(col("values").gt(1))
            .select("component");
    Dataset<Row> broken = tooLarge.unionByName(twoUniques).distinct();

    Dataset<Row> brokenNodes = nodes.join(broken, "component");
    Dataset<Row> nodeElements =
        brokenNodes.select(col("component"), col("id").as("a"), lit(null).cast("string").as("b"), col("weight"), col("uniques"),
            lit(0).as("kind_rank"), lit(0).as("type_rank"), lit(0L).as("n"), lit(0.0).as("probability"), lit(null).cast("string").as("rule"));
    Dataset<Row> membership =
        known.select(PersonAssignment.key(col("id_type"), col("id_value")).as("a"), concat(lit(PersonAssignment.PERSON), col("person_id")).as("b"))
            .join(brokenNodes.select(col("component"), col("id").as("a")), "a")
            .select(col("component"), col("a"), col("b"), lit(0L).as("weight"), array().cast("array<string>").as("uniques"),
                lit(3).as("kind_rank"), lit(0).as("type_rank"), lit(Long.MAX_VALUE).as("n"), lit(1.0).as("probability"), lit("membership").as("rule"));
    Column pa = priority(col("id_type_a"), conf);
    Column pb = priority(col("id_type_b"), conf);
    Dataset<Row> linkElements =
        links.select(
                PersonAssignment.key(col("id_type_a"), col("id_value_a")).as("a"), PersonAssignment.key(col("id_type_b"), col("id_value_b")).as("b"),
                when(col("kind").equalTo("deterministic"), 2).otherwise(1).as("kind_rank"),
                greatest(pa, pb).multiply(1000).plus(least(pa, pb)).as("type_rank"),
                col("n"), coalesce(col("match_probability"), lit(1.0)).as("probability"), col("rule"))
            .join(brokenNodes.select(col("component"), col("id").as("a")), "a")
            .select(col("component"), col("a"), col("b"), lit(0L).as("weight"), array().cast("array<string>").as("uniques"),
                col("kind_rank"), col("type_rank"), col("n"), col("probability"), col("rule"));
    Dataset<Row> solved =
        nodeElements.unionByName(membership).unionByName(linkElements)
            .select(ELEMENT.fieldNames()[0], java.util.Arrays.copyOfRange(ELEMENT.fieldNames(), 1, ELEMENT.size()))
            .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
            .flatMapGroups(new Kruskal(conf.maxPersonSize()), Encoders.row(RESULT))
            .localCheckpoint(); // one solve, read twice below

    Dataset<Row> groups = solved.where(col("id_b").isNull()).select(col("id"), col("group_id"));
    Dataset<Row> guarded =
        components.join(groups, Identity.seq("id"), "left")
            .select(col("id"), when(col("group_id").isNull(), col("component")).otherwise(concat(col("component"), lit("#"), col("group_id"))).as("component"));
    Dataset<Row> cuts = solved.where(col("id_b").isNotNull()).select(col("component"), col("id").as("id_a"), col("id_b"), col("rule"), col("reason"));
    return new Guarded(guarded, cuts);
  }

  /** Whether an identifier type (a column) is declared unique. */
  static Column isUnique(Column type, IdentityConfig conf) {
    Column u = lit(false);
    for (IdTypeRule r : conf.idTypes()) {
      if (r.unique()) {
        u = u.or(type.like(r.likePattern()));
      }
    }
    return u;
  }

  /** A type's position in id_types (0 strongest); types not listed come last. */
  static Column priority(Column type, IdentityConfig conf) {
    Column p = lit(conf.idTypes().size());
    for (int i = conf.idTypes().size() - 1; i >= 0; i--) {
      p = when(type.like(conf.idTypes().get(i).likePattern()), lit(i)).otherwise(p);
    }
    return p;
  }

  /**
   * One broken component, solved: union-find over its links strongest first, refusing a union that would put
   * two values of a unique type, or more than the size cap, into one part. Rows in: {@link #ELEMENT} (nodes have
   * a null {@code b}). Rows out ({@link #RESULT}): each node with its part (the smallest node key of the part),
   * and each refused link with its reason.
   */
  static final class Kruskal implements FlatMapGroupsFunction<String, Row, Row> {
    private final long maxSize;

    Kruskal(long maxSize) {
      this.maxSize = maxSize;
    }

    @Override
    public Iterator<Row> call(String component, Iterator<Row> rows) {
      Map<String, String> parent = new HashMap<>();
      Map<String, Long> weight = new HashMap<>();
      Map<String, Map<String, Set<String>>> uniques = new HashMap<>();
      List<Row> edges = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        if (r.isNullAt(2)) {
          String id = r.getString(1);
          parent.put(id, id);
          weight.put(id, r.getLong(3));
          Map<String, Set<String>> byType = new HashMap<>();
          for (String u : r.<String>getList(4)) {
            byType.computeIfAbsent(u.substring(0, u.indexOf('|')), k -> new TreeSet<>()).add(u);
          }
          uniques.put(id, byType);
        } else {
          edges.add(r);
        }
      }
      edges.sort(Comparator.<Row>comparingInt(r -> -r.getInt(5)).thenComparingInt(r -> r.getInt(6))
          .thenComparingLong(r -> -r.getLong(7)).thenComparingDouble(r -> -r.getDouble(8))
          .thenComparing(r -> r.getString(1)).thenComparing(r -> r.getString(2)).thenComparing(r -> r.getString(9)));
      List<Row> out = new ArrayList<>();
      for (Row e : edges) {
        String a = e.getString(1);
        String b = e.getString(2);
        if (!parent.containsKey(a) || !parent.containsKey(b)) {
          continue; // an end outside the component cannot happen; skip rather than invent a node
        }
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (ra.equals(rb)) {
          continue;
        }
        String reason = conflict(uniques.get(ra), uniques.get(rb));
        if (reason == null && weight.get(ra) + weight.get(rb) > maxSize) {
          reason = TOO_LARGE;
        }
        if (reason != null) {
          out.add(RowFactory.create(component, a, null, b, e.getString(9), reason));
          continue;
        }
        String root = ra.compareTo(rb) < 0 ? ra : rb;
        String other = root.equals(ra) ? rb : ra;
        parent.put(other, root);
        weight.put(root, weight.get(ra) + weight.get(rb));
        Map<String, Set<String>> merged = uniques.get(root);
        uniques.get(other).forEach((t, v) -> merged.computeIfAbsent(t, k -> new TreeSet<>()).addAll(v));
      }
      Map<String, String> smallest = new HashMap<>();
      for (String id : parent.keySet()) {
        smallest.merge(find(parent, id), id, (x, y) -> x.compareTo(y) <= 0 ? x : y);
      }
      for (String id : parent.keySet()) {
        out.add(RowFactory.create(component, id, smallest.get(find(parent, id)), null, null, null));
      }
      return out.iterator();
    }

    /** {@code unique:<type>} when the two parts hold different values of a unique type, else null. */
    static String conflict(Map<String, Set<String>> x, Map<String, Set<String>> y) {
      for (Map.Entry<String, Set<String>> e : x.entrySet()) {
        Set<String> other = y.get(e.getKey());
        if (other != null && !other.isEmpty() && !e.getValue().isEmpty()
            && !(other.containsAll(e.getValue()) || e.getValue().containsAll(other))) {
          return UNIQUE + e.getKey();
        }
      }
      return null;
    }

    private static String find(Map<String, String> parent, String id) {
      String root = id;
      while (!parent.get(root).equals(root)) {
        root = parent.get(root);
      }
      String cur = id;
      while (!parent.get(cur).equals(root)) { // path compression
        String next = parent.get(cur);
        parent.put(cur, root);
        cur = next;
      }
      return root;
    }
  }
}
