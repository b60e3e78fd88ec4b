package org.opendmp.jobs.generate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Opens the landing files of the world and keeps what truth/landing_counts.csv and the report need. */
final class Landing {
  /** One row of landing_counts.csv. */
  record Count(String source, String dt, String file, long records, long malformed) {}

  private final Path root;
  private final long seed;
  private final List<FeedFile> open = new ArrayList<>();
  private final List<Count> counts = new ArrayList<>();

  Landing(Path root, long seed) {
    this.root = root;
    this.seed = seed;
  }

  FeedFile open(String source, Day day, String name, String header, LineShape shape) {
    return open(source, day, name, header, shape, false);
  }

  /** A file whose broken lines are extra lines: every real record also arrives intact. */
  FeedFile openInsertMode(String source, Day day, String name, String header, LineShape shape) {
    return open(source, day, name, header, shape, true);
  }

  private FeedFile open(String source, Day day, String name, String header, LineShape shape, boolean insert) {
    Path dir = root.resolve(source).resolve("dt=" + day.iso);
    FeedFile f = new FeedFile(dir, source, day.iso, name, header, shape, insert, seed);
    open.add(f);
    return f;
  }

  /** Closes every file opened since the last call and records their counts. */
  void closeAll() {
    for (FeedFile f : open) {
      f.close();
      counts.add(new Count(f.source, f.dt, f.name, f.records(), f.malformed()));
    }
    open.clear();
  }

  List<Count> counts() {
    List<Count> sorted = new ArrayList<>(counts);
    sorted.sort(Comparator.comparing(Count::source).thenComparing(Count::dt).thenComparing(Count::file));
    return sorted;
  }

  /** Records per source (sorted by source), malformed ones included. */
  Map<String, Long> records() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach(c -> m.merge(c.source(), c.records(), Long::sum));
    return m;
  }

  Map<String, Long> malformed() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach(c -> m.merge(c.source(), c.malformed(), Long::sum));
    return m;
  }

  /** Records written since the given count index, per source, for the progress line of a day. */
  int size() {
    return counts.size();
  }

  List<Count> since(int from) {
    return counts.subList(from, counts.size());
  }
}
