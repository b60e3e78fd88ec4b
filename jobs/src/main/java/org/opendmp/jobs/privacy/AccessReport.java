package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.privacy.Subjects.Subject;

/**
 * An access request's answer: one JSON file {@code export_root/privacy/dt=D/<request_id>.json} with everything the
 * lake holds about the person: the latest profile, the identifiers (identity.id_graph), the CRM record
 * (silver.customers, hashed contact keys), segment memberships with their dates, and the deliveries that included
 * them (activation.audience with activation.exports). Sorted, so that a rerun writes the same bytes; written to a
 * temporary name and renamed, so that a reader never sees half a file.
 */
public final class AccessReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private AccessReport() {}

  /** The report of one subject as a JSON tree. */
  public static ObjectNode of(Lake lake, LocalDate date, String requestId, Subject s) {
    ObjectNode out = JSON.createObjectNode();
    out.put("request_id", requestId);
    out.put("run_date", date.toString());
    out.set("person_ids", JSON.valueToTree(s.personIds()));
    List<String> persons = List.copyOf(s.personIds());
    Column person = col("person_id").isin(persons.toArray());

    ArrayNode ids = out.putArray("identifiers");
    if (Subjects.exists(lake, Tables.ID_GRAPH) && !persons.isEmpty()) {
      rows(ids, lake.read(Tables.ID_GRAPH).where(person).orderBy("id_type", "id_value"));
    } else {
      s.identifiers().forEach(i -> ids.addObject().put("id_type", i.split("\t", 2)[0]).put("id_value", i.split("\t", 2)[1]));
    }
    out.set("profile", JSON.nullNode());
    if (Subjects.exists(lake, Tables.PROFILES) && !persons.isEmpty()) {
      Dataset<Row> profiles = lake.read(Tables.PROFILES).where(person).where(col("run_date").leq(date));
      ArrayNode latest = JSON.createArrayNode();
      rows(latest, profiles.where(col("run_date").equalTo(profiles.agg(max("run_date")).first().get(0))).orderBy("person_id"));
      out.set("profile", latest.isEmpty() ? JSON.nullNode() : latest.size() == 1 ? latest.get(0) : latest);
    }
    List<String> crmIds = s.identifiers().stream().filter(i -> i.startsWith("crm_id\t")).map(i -> i.substring(7)).toList();
    ArrayNode crm = out.putArray("crm");
    if (Subjects.exists(lake, Tables.CUSTOMERS) && !crmIds.isEmpty()) {
      rows(crm, lake.read(Tables.CUSTOMERS).where(col("crm_id").isin(crmIds.toArray())).orderBy("crm_id"));
    }
    ArrayNode segments = out.putArray("segments");
    if (Subjects.exists(lake, Tables.SEGMENT_MEMBERSHIP) && !persons.isEmpty()) {
      rows(segments, lake.read(Tables.SEGMENT_MEMBERSHIP).where(person).where(col("run_date").leq(date))
          .groupBy("segment_id", "entered_on", "is_control")
          .agg(min("run_date").as("first_night"), max("run_date").as("last_night"), max("last_qualified").as("last_qualified"))
          .orderBy("segment_id", "entered_on"));
    }
    ArrayNode deliveries = out.putArray("deliveries");
    if (Subjects.exists(lake, Tables.AUDIENCE) && !persons.isEmpty()) {
      Dataset<Row> audience = lake.read(Tables.AUDIENCE).where(person).where(col("run_date").leq(date))
          .select("destination", "run_date", "person_id", "id_type", "id_values", "segments", "codes");
      if (Subjects.exists(lake, Tables.EXPORTS)) {
        audience = audience.join(lake.read(Tables.EXPORTS).select("destination", "run_date", "mode", "files", "target"),
            Erasure.scala(List.of("destination", "run_date")), "left");
      }
      rows(deliveries, audience.orderBy("destination", "run_date", "person_id"));
    }
    return out;
  }

  /** Writes the report atomically; the file's path. */
  public static String write(Lake lake, LocalDate date, String requestId, ObjectNode report) {
    String root = lake.env().exportRoot().endsWith("/") ? lake.env().exportRoot() : lake.env().exportRoot() + "/";
    Path file = new Path(root + "privacy/dt=" + date + "/" + requestId + ".json");
    Path tmp = new Path(file.getParent(), "_" + file.getName() + ".tmp");
    try {
      FileSystem fs = file.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false); // the answer is one file, without a local .crc companion
      try (OutputStream out = fs.create(tmp, true)) {
        JSON.writeValue(out, report);
      }
      if (fs.exists(file)) {
        fs.delete(file, false); // a rerun of the night replaces the same request's answer
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new DmpException("Cannot write the access report of request " + requestId + ": " + e.getMessage() + " (" + file + ")", e);
    }
    return file.toString();
  }

  private static void rows(ArrayNode into, Dataset<Row> rows) {
    for (String json : rows.toJSON().collectAsList()) {
      try {
        JsonNode n = JSON.readTree(json);
        into.add(n);
      } catch (IOException e) {
        throw new DmpException("Cannot build the access report: " + e.getMessage(), e);
      }
    }
  }

}
