package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.privacy.PrivacyRequests.Request;

/**
 * Who a request is about: the person ids its identifier has in identity.id_graph (and the older ids merged into
 * them, identity.person_merges), every identifier of those persons, and the request's own identifier even when the
 * graph does not know it yet. Identifier values stay in memory; nothing here is written.
 */
public final class Subjects {
  static final StructType ID = new StructType().add("request_id", DataTypes.StringType).add("id_type", DataTypes.StringType)
      .add("id_value", DataTypes.StringType);

  private Subjects() {}

  /**
   * One request's subject.
   *
   * @param identifiers sorted "id_type\tid_value" strings
   */
  public record Subject(String requestId, TreeSet<String> personIds, TreeSet<String> identifiers, TreeSet<String> textForms) {
    @Override
    public String toString() { // never a value in a log line
      return "Subject[" + requestId + ": " + personIds.size() + " person ids, " + identifiers.size() + " identifiers]";
    }
  }

  /** The subject of each valid request, by request_id, in request order. */
  public static Map<String, Subject> resolve(Lake lake, List<Request> requests) {
    Map<String, Subject> out = new LinkedHashMap<>();
    List<Row> asked = new ArrayList<>();
    for (Request r : requests) {
      TreeSet<String> ids = new TreeSet<>(List.of(r.idType() + "\t" + r.idValue()));
      out.put(r.requestId(), new Subject(r.requestId(), new TreeSet<>(), ids, new TreeSet<>(r.textForms())));
      asked.add(RowFactory.create(r.requestId(), r.idType(), r.idValue()));
    }
    if (asked.isEmpty() || !exists(lake, Tables.ID_GRAPH)) {
      return out;
    }
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH).select("id_type", "id_value", "person_id").localCheckpoint();
    Dataset<Row> persons = lake.spark().createDataFrame(asked, ID).join(graph, scala.jdk.javaapi.CollectionConverters.asScala(List.of("id_type", "id_value")).toSeq())
        .select("request_id", "person_id").distinct();
    if (exists(lake, Tables.PERSON_MERGES)) {
      // merged-away ids still key older nights of gold tables: follow merges back until nothing new appears
      Dataset<Row> merges = lake.read(Tables.PERSON_MERGES).where(col("event").equalTo("merge"))
          .select(col("new_person_id"), col("old_person_id")).distinct().localCheckpoint();
      for (int i = 0; i < 20; i++) {
        Dataset<Row> more = persons.join(merges, persons.col("person_id").equalTo(merges.col("new_person_id")))
            .select(col("request_id"), col("old_person_id").as("person_id"));
        Dataset<Row> grown = persons.unionByName(more).distinct().localCheckpoint();
        if (grown.count() == persons.count()) {
          break;
        }
        persons = grown;
      }
    }
    persons = persons.localCheckpoint();
    for (Row r : persons.collectAsList()) {
      out.get(r.getString(0)).personIds().add(r.getString(1));
    }
    for (Row r : persons.join(graph, "person_id").select("request_id", "id_type", "id_value").collectAsList()) {
      Subject s = out.get(r.getString(0));
      s.identifiers().add(r.getString(1) + "\t" + r.getString(2));
      s.textForms().add(r.getString(2).toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  static boolean exists(Lake lake, org.opendmp.common.table.TableDef t) {
    return io.delta.tables.DeltaTable.isDeltaTable(lake.spark(), lake.path(t));
  }
}
