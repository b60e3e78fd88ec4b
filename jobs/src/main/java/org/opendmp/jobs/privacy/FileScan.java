package org.opendmp.jobs.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.opendmp.common.DmpException;

/**
 * Which files under some local folders hold a value: the check behind "no file under lake_root or export_root holds
 * an erased person's email or its hash" (README "Privacy"). Every regular file is read: parquet files DECODED (a
 * dictionary or snappy page hides its values from a byte search), every record, plus the footer's column statistics
 * and the raw bytes (page statistics and column indexes are min/max copies of values); Delta checkpoints under
 * {@code _delta_log} the same way; gz files opened; everything else as bytes (UTF-8 text when valid, else
 * ISO-8859-1 so that no byte is lost). Parquet is read with parquet-hadoop on the driver, not with a Spark job per file: a demo lake has hundreds.
 */
public final class FileScan {
  private FileScan() {}

  /** How a file was read; a checkpoint is a parquet file under {@code _delta_log}. */
  public enum Kind {
    PARQUET,
    DELTA_CHECKPOINT,
    DELTA_LOG,
    GZIP,
    OTHER
  }

  /** What to look for in a piece of text (a decoded record, a statistic, a file's bytes): what it found there. */
  @FunctionalInterface
  public interface Finder {
    Collection<String> find(String text);
  }

  /**
   * The result of a scan.
   *
   * @param hits each file holding something (sorted by path), with what was found in it (needles as given)
   * @param scanned files read, per kind
   */
  public record Result(Map<Path, Set<String>> hits, Map<Kind, Integer> scanned) {
    public int files() {
      return scanned.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int scanned(Kind kind) {
      return scanned.getOrDefault(kind, 0);
    }

    /** Parquet files decoded: data files and Delta checkpoints. */
    public int parquetDecoded() {
      return scanned(Kind.PARQUET) + scanned(Kind.DELTA_CHECKPOINT);
    }

    /** Files under a {@code _delta_log}: commits, checksums, checkpoints. */
    public int logFiles() {
      return scanned(Kind.DELTA_LOG) + scanned(Kind.DELTA_CHECKPOINT);
    }
  }

  /** The files holding any of the needles, case-insensitively. */
  public static Result scan(List<Path> roots, List<String> needles) {
    return scan(roots, needles(needles));
  }

  /** The files in which the finder finds something. Every root must be an existing folder. */
  public static Result scan(List<Path> roots, Finder finder) {
    Map<Path, Set<String>> hits = new TreeMap<>();
    Map<Kind, Integer> scanned = new EnumMap<>(Kind.class);
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        throw new DmpException("Cannot scan " + root + ": not a folder");
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new DmpException("Cannot scan " + root + ": " + e.getMessage(), e);
      }
      for (Path f : files) {
        Kind kind = kindOf(f);
        Set<String> found = new LinkedHashSet<>();
        try {
          read(f, kind, text -> found.addAll(finder.find(text)));
        } catch (IOException | RuntimeException e) {
          throw new DmpException("Cannot scan " + f + " (read as " + kind + "): " + e.getMessage(), e);
        }
        scanned.merge(kind, 1, Integer::sum);
        if (!found.isEmpty()) {
          hits.put(f, found);
        }
      }
    }
    return new Result(hits, scanned);
  }

  /**
   * Case-insensitive substring search. A needle is also looked for as its UTF-8 bytes read in ISO-8859-1, the form
   * a non-ASCII value takes in a file read as bytes.
   */
  public static Finder needles(List<String> needles) {
    List<String[]> forms = new ArrayList<>();
    for (String n : needles) {
      String lower = n.toLowerCase(Locale.ROOT);
      String bytes = new String(lower.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      forms.add(new String[] {n, lower, bytes});
    }
    return text -> {
      String t = text.toLowerCase(Locale.ROOT);
      List<String> out = new ArrayList<>();
      for (String[] f : forms) {
        if (t.contains(f[1]) || t.contains(f[2])) {
          out.add(f[0]);
        }
      }
      return out;
    };
  }

  static Kind kindOf(Path f) {
    String name = f.getFileName().toString();
    boolean log = f.getParent() != null && f.getParent().getFileName() != null
        && f.getParent().getFileName().toString().equals("_delta_log");
    if (name.endsWith(".parquet") && !name.startsWith(".")) {
      return log ? Kind.DELTA_CHECKPOINT : Kind.PARQUET;
    }
    if (log) {
      return Kind.DELTA_LOG;
    }
    return name.endsWith(".gz") ? Kind.GZIP : Kind.OTHER;
  }

  /** Feeds the file's text to the sink, piece by piece. */
  private static void read(Path f, Kind kind, java.util.function.Consumer<String> sink) throws IOException {
    switch (kind) {
      case PARQUET, DELTA_CHECKPOINT -> {
        if (Files.size(f) > 0) {
          parquet(f, sink);
        }
        sink.accept(bytes(Files.readAllBytes(f)));
      }
      case GZIP -> {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
          sink.accept(bytes(in.readAllBytes()));
        }
      }
      default -> sink.accept(bytes(Files.readAllBytes(f)));
    }
  }

  /** Every record (all its values, nested ones included), then the footer: key-value metadata and column statistics. */
  private static void parquet(Path f, java.util.function.Consumer<String> sink) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(f))) {
      ParquetMetadata footer = reader.getFooter();
      MessageType schema = footer.getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          sink.accept(records.read().toString());
        }
      }
      footer.getFileMetaData().getKeyValueMetaData().values().forEach(sink);
      for (BlockMetaData block : footer.getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          Statistics<?> stats = column.getStatistics();
          if (stats != null && stats.hasNonNullValue()) {
            sink.accept(stat(stats, true));
            sink.accept(stat(stats, false));
          }
        }
      }
    }
  }

  private static String stat(Statistics<?> stats, boolean min) {
    if (stats instanceof BinaryStatistics b) { // the raw bytes as text, whatever the column's logical type
      return (min ? b.genericGetMin() : b.genericGetMax()).toStringUsingUTF8();
    }
    return min ? stats.minAsString() : stats.maxAsString();
  }

  /** Valid UTF-8 (a log, a CSV) as such, so that a regex sees its letters; anything else byte for byte. */
  private static String bytes(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
  }
}
