package org.opendmp.jobs.activate.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

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
 * the file's bytes as delivered (compressed when gzip).
 */
public record Manifest(
    String destination, LocalDate date, String mode, List<DataFile> files, SortedMap<String, Long> segments) {
  public Manifest {
    files = List.copyOf(files);
    segments = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(segments));
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

  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }
}
