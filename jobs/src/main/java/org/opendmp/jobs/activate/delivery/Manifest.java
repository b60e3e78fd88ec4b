package org.opendmp.jobs.activate.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.opendmp.common.DmpException;

/**
 * {@code manifest.json} of a delivery. The JSON is byte-stable for equal inputs (fixed key order, segments sorted
 * by id, two-space indent, {@code \n} line ends whatever the platform), so that re-running a date reproduces it:
 *
 * <pre>
 * {
 *   "destination" : "sms",
 *   "date" : "2026-11-02",
 *   "mode" : "full",
 *   "files" : [ { "name" : "sms_full_20261102_001.csv.gz", "rows" : 1000, "sha256" : "..." } ],
 *   "totals" : { "files" : 1, "rows" : 1000, "bytes" : 18211 },
 *   "segments" : { "car_intender" : 612, "cart_abandoner" : 388 }
 * }
 * </pre>
 *
 * {@code segments} holds the counts the caller passes (persons per segment in this delivery, say); sha256 is of
 * the file's bytes as delivered (compressed when gzip). {@code "erased_rows" : N}, after {@code totals}, appears only
 * once the privacy job has removed N data lines of erased persons from the delivered files (files, rows and totals
 * then describe the files as they are now); a delivery never scrubbed has no such field.
 */
public record Manifest(
    String destination, LocalDate date, String mode, List<DataFile> files, SortedMap<String, Long> segments,
    long erasedRows) {
  public Manifest {
    files = List.copyOf(files);
    segments = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(segments));
  }

  /** A delivery as written (nothing erased since). */
  public Manifest(String destination, LocalDate date, String mode, List<DataFile> files, SortedMap<String, Long> segments) {
    this(destination, date, mode, files, segments, 0);
  }

  public static Manifest of(DeliverySpec spec, List<DataFile> files, Map<String, Long> segmentCounts) {
    return new Manifest(spec.destination(), spec.date(), spec.mode(), files, new TreeMap<>(segmentCounts));
  }

  public long totalRows() {
    return files.stream().mapToLong(DataFile::rows).sum();
  }

  public long totalBytes() {
    return files.stream().mapToLong(DataFile::bytes).sum();
  }

  public String toJson() {
    StringWriter out = new StringWriter();
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try (JsonGenerator g = new JsonFactory().createGenerator(out).setPrettyPrinter(pretty)) {
      g.writeStartObject();
      g.writeStringField("destination", destination);
      g.writeStringField("date", date.toString());
      g.writeStringField("mode", mode);
      g.writeArrayFieldStart("files");
      for (DataFile f : files) {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeNumberField("rows", f.rows());
        g.writeStringField("sha256", f.sha256());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("totals");
      g.writeNumberField("files", files.size());
      g.writeNumberField("rows", totalRows());
      g.writeNumberField("bytes", totalBytes());
      g.writeEndObject();
      if (erasedRows > 0) {
        g.writeNumberField("erased_rows", erasedRows);
      }
      g.writeObjectFieldStart("segments");
      for (Map.Entry<String, Long> e : segments.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("A StringWriter does not fail", e);
    }
    return out.toString() + "\n";
  }

  /**
   * The manifest {@link #toJson} wrote. The JSON has no per-file size (only the total): {@code bytesOf} gives each
   * listed file's size; {@code where} names the file in an error.
   */
  public static Manifest parse(String json, String where, ToLongFunction<String> bytesOf) {
    try {
      JsonNode m = new ObjectMapper().readTree(json);
      List<DataFile> files = new ArrayList<>();
      for (JsonNode f : m.path("files")) {
        String name = f.path("name").asText();
        files.add(new DataFile(name, f.path("rows").asLong(), bytesOf.applyAsLong(name), f.path("sha256").asText()));
      }
      SortedMap<String, Long> segments = new TreeMap<>();
      m.path("segments").fields().forEachRemaining(e -> segments.put(e.getKey(), e.getValue().asLong()));
      return new Manifest(m.path("destination").asText(), LocalDate.parse(m.path("date").asText()), m.path("mode").asText(),
          files, segments, m.path("erased_rows").asLong(0));
    } catch (IOException | DateTimeException e) {
      throw new DmpException("Cannot read a delivery manifest: " + e.getMessage().lines().findFirst().orElse("") + " (" + where + ")", e);
    }
  }

  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }
}
