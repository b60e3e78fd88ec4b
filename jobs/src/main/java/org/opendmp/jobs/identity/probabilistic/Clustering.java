package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.expressions.Window;
import org.opendmp.common.DmpException;

/**
 * Clusters: connected components of the accepted pairs, by iterative min-label propagation in Spark (the pair
 * set never goes to the driver). A record's label starts as its own key and becomes the smallest key it is
 * connected to; each step also jumps to the label's own label, so chains collapse in about log(length) steps.
 */
public final class Clustering {
  private Clustering() {}

  /**
   * The accepted pairs. Input: {@link Scoring#score} output. Output: {@code key_l, key_r} of the pairs with
   * {@code match_probability >= threshold}. Grain: one row per accepted pair.
   */
  public static Dataset<Row> links(Dataset<Row> scored, double threshold) {
    return scored.where(col("match_probability").geq(threshold)).select("key_l", "key_r");
  }

  /**
   * The starting labels: every record in an accepted pair, labelled by itself. Input: {@link #links}. Output:
   * {@code _key, label}. Grain: one row per linked record.
   */
  public static Dataset<Row> initialLabels(Dataset<Row> links) {
    return links.select(col("key_l").as("_key")).union(links.select(col("key_r").as("_key"))).distinct()
        .select(col("_key"), col("_key").as("label"));
  }

  /**
   * One propagation step: each record takes the smallest label among itself and its neighbours, then the label
   * of that label. Input: {@code labels} ({@code _key, label}), {@code links} ({@code key_l, key_r}). Output:
   * {@code _key, label}, same grain as {@code labels}. Labels only decrease and stay inside the component.
   */
  public static Dataset<Row> propagate(Dataset<Row> labels, Dataset<Row> links) {
    Dataset<Row> edges =
        links.select(col("key_l").as("a"), col("key_r").as("b"))
            .union(links.select(col("key_r").as("a"), col("key_l").as("b")));
    Dataset<Row> neighbour =
        edges.join(labels.select(col("_key").as("b"), col("label").as("nb")), "b").groupBy("a").agg(min("nb").as("nb"));
    Dataset<Row> step =
        labels.join(neighbour, labels.col("_key").equalTo(neighbour.col("a")), "left")
            .select(col("_key"), least(col("label"), coalesce(col("nb"), col("label"))).as("label"));
    Dataset<Row> hop = step.select(col("_key").as("hop_key"), col("label").as("hop"));
    return step.join(hop, step.col("label").equalTo(hop.col("hop_key")), "left")
        .select(col("_key"), least(col("label"), coalesce(col("hop"), col("label"))).as("label"));
  }

  /**
   * Connected components of the links: {@code _key, label} where label is the smallest key of the record's
   * component. Not a pure transform: it runs one Spark job per step until no label changes (checkpointing each
   * step so that plans stay small), and fails after {@code maxSteps}.
   *
   * @param steps receives the number of steps run
   */
  public static Dataset<Row> connectedComponents(Dataset<Row> links, int maxSteps, java.util.function.IntConsumer steps) {
    Dataset<Row> labels = initialLabels(links).localCheckpoint();
    for (int step = 1; step <= maxSteps; step++) {
      Dataset<Row> next = propagate(labels, links).localCheckpoint();
      long changed =
          next.join(labels.select(col("_key"), col("label").as("before")), "_key")
              .where(col("label").notEqual(col("before")))
              .count();
      labels = next;
      if (changed == 0) {
        steps.accept(step);
        return labels;
      }
    }
    throw new DmpException("Cannot cluster links: labels still moving after " + maxSteps + " steps (connected components)");
  }

  /**
   * Connected components computed on the driver: the same output as {@link #connectedComponents}, for link sets
   * small enough to hold there (the caller checks the count; links are streamed one partition at a time). Spark
   * jobs cost seconds each, so for deduplication-sized inputs this is much faster than propagation.
   *
   * @param sizes receives the size of every component (two records or more)
   */
  public static Dataset<Row> connectedComponentsLocally(Dataset<Row> links, Consumer<long[]> sizes) {
    UnionFind uf = new UnionFind();
    Iterator<Row> it = links.select("key_l", "key_r").toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      uf.union(uf.add(r.getString(0)), uf.add(r.getString(1)));
    }
    // The label is the smallest key of the component, as propagation gives.
    Map<Integer, String> smallest = new HashMap<>();
    Map<Integer, Long> count = new HashMap<>();
    for (int i = 0; i < uf.keys.size(); i++) {
      int r = uf.root(i);
      smallest.merge(r, uf.keys.get(i), (x, y) -> x.compareTo(y) <= 0 ? x : y);
      count.merge(r, 1L, Long::sum);
    }
    List<Row> rows = new ArrayList<>(uf.keys.size());
    for (int i = 0; i < uf.keys.size(); i++) {
      rows.add(RowFactory.create(uf.keys.get(i), smallest.get(uf.root(i))));
    }
    sizes.accept(count.values().stream().mapToLong(Long::longValue).toArray());
    // An RDD rather than a local relation, which Spark would copy into every plan built on it.
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(links.sparkSession().sparkContext());
    int slices = Math.max(1, Math.min(jsc.defaultParallelism(), rows.size() / 10_000 + 1));
    return links.sparkSession().createDataFrame(jsc.parallelize(rows, slices), StructType.fromDDL("_key STRING, label STRING"));
  }

  /** Union-find over string keys with path halving. */
  private static final class UnionFind {
    final Map<String, Integer> index = new HashMap<>();
    final List<String> keys = new ArrayList<>();
    int[] parent = new int[1024];

    int add(String key) {
      Integer i = index.get(key);
      if (i != null) {
        return i;
      }
      int n = keys.size();
      if (n == parent.length) {
        parent = Arrays.copyOf(parent, n * 2);
      }
      parent[n] = n;
      keys.add(key);
      index.put(key, n);
      return n;
    }

    int root(int i) {
      while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
      }
      return i;
    }

    void union(int a, int b) {
      int ra = root(a);
      int rb = root(b);
      if (ra != rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }

  /**
   * Every record with its cluster.
   *
   * <p>Input: prepared records ({@link Records#prepare}); {@code labels} from {@link #connectedComponents}
   * (records absent from it are alone). Output: {@code source, record_id, cluster_id STRING, cluster_size LONG}.
   * The cluster id names the cluster's first record (smallest source and record id, numeric ids in numeric
   * order): its record id when {@code oneSource}, else {@code source:record_id}. Grain: one row per record.
   */
  public static Dataset<Row> clusters(Dataset<Row> records, Dataset<Row> labels, boolean oneSource) {
    Dataset<Row> labelled =
        records.select(col("_key"), col("source"), col("record_id"))
            .join(labels, "_key", "left")
            .select(col("source"), col("record_id"), coalesce(col("label"), col("_key")).as("cluster_key"));
    Dataset<Row> first =
        records.select(col("_key").as("cluster_key"), col("source").as("first_source"), col("record_id").as("first_id"));
    Column id = oneSource ? col("first_id") : concat(col("first_source"), lit(":"), col("first_id"));
    return labelled.join(first, "cluster_key")
        .select(
            col("source"), col("record_id"), id.as("cluster_id"),
            count("*").over(Window.partitionBy("cluster_key")).as("cluster_size"));
  }
}
