package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.ConnectedComponents;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The standard library way, for comparison: GraphX {@code connectedComponents} (Pregel min-label propagation,
 * one superstep per hop of the longest shortest path from a component's smallest node) on the same edges.
 */
public final class GraphXComponents {
  private static final StructType ASSIGNMENT = DataTypes.createStructType(List.of(
      DataTypes.createStructField("node", DataTypes.LongType, false),
      DataTypes.createStructField("component", DataTypes.LongType, false)));

  private GraphXComponents() {}

  /**
   * Input: {@code src BIGINT, dst BIGINT} (rows with a null end are skipped: GraphX has no such edge). Output:
   * {@code node, component}, component the smallest vertex id of the component, as GraphX labels it. The
   * GraphX graph is built from the edges' RDD here; the result's vertices stay cached by GraphX.
   */
  @SuppressWarnings("unchecked")
  public static Dataset<Row> of(Dataset<Row> edges) {
    JavaRDD<Edge<Object>> rdd = edges.where(col("src").isNotNull().and(col("dst").isNotNull()))
        .select(col("src"), col("dst"))
        .javaRDD()
        .map(r -> new Edge<Object>(r.getLong(0), r.getLong(1), Boolean.TRUE));
    ClassTag<Object> tag = (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Boolean();
    ClassTag<Object> vertexTag = (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Boolean();
    Graph<Object, Object> graph = Graph.fromEdges(
        rdd.rdd(), Boolean.TRUE, StorageLevel.MEMORY_ONLY(), StorageLevel.MEMORY_ONLY(), vertexTag, tag);
    Graph<Object, Object> cc = ConnectedComponents.run(graph, vertexTag, tag);
    JavaRDD<Row> rows = cc.vertices().toJavaRDD().map(t -> RowFactory.create(t._1(), t._2()));
    return edges.sparkSession().createDataFrame(rows, ASSIGNMENT);
  }
}
