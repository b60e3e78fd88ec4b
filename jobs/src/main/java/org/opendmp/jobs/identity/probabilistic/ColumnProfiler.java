package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/**
 * Infers a {@link MatchSpec} from the data: what each column holds (names, dates, postcodes, emails, phones,
 * free text, codes), which columns carry no evidence (empty, constant, unique per record), which are weighted by
 * term frequency, whether first name and surname should be compared in both orders, and blocking rules whose
 * pairs stay within a budget. Runs a few small Spark jobs (a sample, one aggregate per column and per rule
 * considered); never collects the records.
 */
public final class ColumnProfiler {
  private ColumnProfiler() {}

  /** Rows sampled to recognise what a column holds. */
  static final int SAMPLE = 2000;

  /** What the profiler decided about one column, with why. */
  public record ColumnProfile(String column, Kind kind, String reason, long nonNull, long distinct, long pairs) {
    public boolean compared() {
      return kind != null;
    }

    /** One line for the terminal. */
    public String line() {
      return String.format(
          Locale.ROOT, "%-20s %-9s %s", column, compared() ? kind.word() : "-",
          reason + (nonNull > 0 ? String.format(Locale.ROOT, " (%,d values, %,d distinct)", nonNull, distinct) : ""));
    }
  }

  /** The inferred spec and the decision per column. */
  public record Profile(MatchSpec spec, List<ColumnProfile> columns) {}

  /**
   * Profiles the candidate columns of one or two inputs (same column names) and returns a spec.
   *
   * @param left records with {@code record_id} and the candidate columns
   * @param right the second input, or null to deduplicate {@code left}
   * @param columns the candidate columns (the record id and excluded columns already left out)
   */
  public static Profile infer(Dataset<Row> left, Dataset<Row> right, List<String> columns) {
    if (columns.isEmpty()) {
      throw new DmpException("Cannot infer a match spec: no column to compare (every column is the id or excluded)");
    }
    Dataset<Row> both = right == null ? left : left.select(cols(columns)).unionByName(right.select(cols(columns)));
    LinkType type = right == null ? LinkType.DEDUPE_ONLY : LinkType.LINK_ONLY;

    // 1. What each column holds, from a deterministic sample of rows.
    List<Row> sample =
        both.select(cols(columns))
            .orderBy(xxhash64(cols(columns)))
            .limit(SAMPLE)
            .collectAsList();
    Map<String, Guess> guesses = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      DataType type0 = both.schema().apply(name).dataType();
      List<String> values = new ArrayList<>();
      for (Row r : sample) {
        if (!r.isNullAt(i)) {
          String v = String.valueOf(r.get(i)).trim();
          if (!v.isEmpty() && !Records.JUNK.contains(v.toLowerCase(Locale.ROOT))) {
            values.add(v);
          }
        }
      }
      guesses.put(name, guess(name, type0, values));
    }

    // 2. Counts per column on the normalised values.
    List<ColumnSpec> provisional = new ArrayList<>();
    guesses.forEach((name, g) -> {
      if (g.kind != null) {
        provisional.add(new ColumnSpec(name, g.kind, null, g.dateFormat));
      }
    });
    if (provisional.isEmpty()) {
      throw new DmpException("Cannot infer a match spec: no column holds comparable values (" + String.join(", ", columns) + ")");
    }
    MatchSpec all = MatchSpec.of(provisional, List.of(), List.of(), List.of());
    Dataset<Row> records =
        right == null
            ? Records.prepare(recordsOf(left, columns), 0, "left", all)
            : Records.prepare(recordsOf(left, columns), 0, "left", all).unionByName(Records.prepare(recordsOf(right, columns), 1, "right", all));
    records = records.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      // One job counts every column, the records, and the two hinted names in either order.
      List<String> provisionalNames = provisional.stream().map(ColumnSpec::name).toList();
      String hintedFirst = provisional.stream().map(ColumnSpec::name).filter(c -> guesses.get(c).kind == Kind.NAME && hinted(c, FIRST)).findFirst().orElse(null);
      String hintedLast = provisional.stream().map(ColumnSpec::name).filter(c -> guesses.get(c).kind == Kind.NAME && hinted(c, LAST)).findFirst().orElse(null);
      List<Column> keys = new ArrayList<>();
      provisionalNames.forEach(c -> keys.add(Blocking.ruleKey(List.of(BlockingKey.column(c)), all)));
      keys.add(lit("*"));
      BlockingKey sortedNames = hintedFirst != null && hintedLast != null ? BlockingKey.sorted(hintedFirst, hintedLast) : null;
      if (sortedNames != null) {
        keys.add(Blocking.ruleKey(List.of(sortedNames), all));
      }
      List<long[]> counted = stats(records, keys, type);
      long n = counted.get(provisionalNames.size())[0];
      long budget = Math.max(10_000L, 10L * n);
      List<ColumnProfile> profiles = new ArrayList<>();
      List<ColumnSpec> kept = new ArrayList<>();
      Map<String, long[]> stats = new LinkedHashMap<>();
      for (String name : columns) {
        Guess g = guesses.get(name);
        if (g.kind == null) {
          profiles.add(new ColumnProfile(name, null, g.reason, 0, 0, 0));
          continue;
        }
        long[] s = counted.get(provisionalNames.indexOf(name));
        stats.put(name, s);
        long nonNull = s[0];
        long distinct = s[1];
        String reason = g.reason;
        Kind kind = g.kind;
        if (nonNull == 0) {
          kind = null;
          reason = "empty";
        } else if (distinct == 1) {
          kind = null;
          reason = "one value only";
        } else if ((kind == Kind.STRING || kind == Kind.EXACT) && nonNull >= 20 && distinct >= 0.99 * nonNull) {
          kind = null;
          reason = "unique per record: an identifier, not evidence";
        } else if (kind == Kind.STRING && distinct <= 12 && distinct * 20 <= nonNull) {
          kind = Kind.EXACT;
          reason = "few distinct values: a category";
        }
        profiles.add(new ColumnProfile(name, kind, reason, nonNull, distinct, s[3]));
        if (kind != null) {
          kept.add(new ColumnSpec(name, kind, null, kind == Kind.DATE ? g.dateFormat : null));
        }
      }
      if (kept.isEmpty()) {
        throw new DmpException("Cannot infer a match spec: no column carries evidence (" + String.join(", ", columns) + ")");
      }

      // 3. Term frequencies for names and short strings whose values are unevenly common.
      List<String> tf = new ArrayList<>();
      for (ColumnSpec c : kept) {
        long[] s = stats.get(c.name());
        boolean skewed = s[1] >= 10 && s[2] * s[1] >= 3 * s[0];
        if ((c.kind() == Kind.NAME || c.kind() == Kind.STRING) && skewed) {
          tf.add(c.name());
        }
      }

      // 4. First name and surname in both orders.
      List<String> swap = nameSwap(kept, records, referenced(all));

      // 5. Blocking: every column whose exact matches stay within the budget, the two names in either order,
      // then pairs of the columns too common on their own.
      List<List<String>> rules = new ArrayList<>();
      List<String> tooCommon = new ArrayList<>();
      List<ColumnSpec> byPairs =
          kept.stream().filter(c -> c.kind() != Kind.TEXT).sorted(Comparator.comparingLong(c -> stats.get(c.name())[3])).toList();
      for (ColumnSpec c : byPairs) {
        if (stats.get(c.name())[3] <= budget) {
          rules.add(List.of(c.name()));
        } else {
          tooCommon.add(c.name());
        }
      }
      boolean sortedRule = false;
      if (!swap.isEmpty()) {
        BlockingKey k = BlockingKey.sorted(swap.get(0), swap.get(1));
        long p = k.equals(sortedNames) ? counted.get(counted.size() - 1)[3] : stats(records, List.of(Blocking.ruleKey(List.of(k), all)), type).get(0)[3];
        if (p <= budget) {
          rules.add(List.of(k.toString()));
          sortedRule = true;
        }
      }
      List<List<String>> pairsOfCommon = new ArrayList<>();
      for (int i = 0; i < tooCommon.size(); i++) {
        for (int j = i + 1; j < tooCommon.size(); j++) {
          List<String> pair = List.of(tooCommon.get(i), tooCommon.get(j));
          if (sortedRule && new HashSet<>(pair).equals(new HashSet<>(swap))) {
            continue; // sorted(first, last) already blocks these pairs, in both orders
          }
          pairsOfCommon.add(pair);
        }
      }
      if (!pairsOfCommon.isEmpty()) {
        List<Column> comboKeys =
            pairsOfCommon.stream().map(pair -> Blocking.ruleKey(pair.stream().map(BlockingKey::column).toList(), all)).toList();
        List<long[]> comboStats = stats(records, comboKeys, type);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pairsOfCommon.size(); i++) {
          if (comboStats.get(i)[3] <= budget) {
            order.add(i);
          }
        }
        order.sort(Comparator.comparingLong(i -> comboStats.get(i)[3]));
        order.stream().limit(6).forEach(i -> rules.add(pairsOfCommon.get(i)));
      }
      if (rules.isEmpty()) {
        double space = right == null ? n * (n - 1) / 2.0 : (double) counted.get(provisionalNames.size())[4] * counted.get(provisionalNames.size())[5];
        if (space > 5_000_000) {
          throw new DmpException(String.format(Locale.ROOT,
              "Cannot infer a match spec: no blocking rule keeps under %,d pairs (every column is too common); write"
                  + " a spec with blocking rules (dmp dedupe --spec)", budget));
        }
      }
      MatchSpec spec = new MatchSpec(kept, swap, rules, tf, null, null, null, null, null, null);
      return new Profile(spec, profiles);
    } finally {
      records.unpersist();
    }
  }

  private static List<String> referenced(MatchSpec spec) {
    return spec.referencedColumns();
  }

  private static Dataset<Row> recordsOf(Dataset<Row> input, List<String> columns) {
    List<Column> c = new ArrayList<>();
    c.add(Records.input("record_id"));
    columns.forEach(name -> c.add(Records.input(name)));
    return input.select(c.toArray(Column[]::new));
  }

  private static Column[] cols(List<String> names) {
    return names.stream().map(Records::input).toArray(Column[]::new);
  }

  /**
   * For each key (a string column, null where the record has no key), in one Spark job: {non-null values,
   * distinct values, count of the most common value, pairs an equality rule on the key produces, left values,
   * right values}.
   */
  static List<long[]> stats(Dataset<Row> records, List<Column> keys, LinkType type) {
    Column[] entries = new Column[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      entries[i] = struct(lit(i).as("k"), keys.get(i).cast("string").as("v"));
    }
    Dataset<Row> perValue =
        records.select(col("_side"), explode(array(entries)).as("e"))
            .where(col("e.v").isNotNull())
            .groupBy(col("e.k").as("k"), col("e.v").as("v"))
            .agg(count(when(col("_side").equalTo(0), 1)).as("nl"), count(when(col("_side").equalTo(1), 1)).as("nr"));
    Column nn = col("nl").plus(col("nr"));
    Column pairs = type == LinkType.LINK_ONLY ? col("nl").multiply(col("nr")) : nn.multiply(nn.minus(1)).divide(2);
    List<Row> rows =
        perValue.groupBy("k").agg(sum(nn), count("*"), max(nn), sum(pairs).cast("long"), sum("nl"), sum("nr")).collectAsList();
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      out.add(new long[6]);
    }
    for (Row r : rows) {
      long[] s = out.get(r.getInt(0));
      for (int j = 0; j < 6; j++) {
        s[j] = r.isNullAt(j + 1) ? 0 : ((Number) r.get(j + 1)).longValue();
      }
    }
    return out;
  }

  /** The name pair to compare in both orders: first and last by their names, or two name columns sharing values. */
  private static List<String> nameSwap(List<ColumnSpec> kept, Dataset<Row> records, List<String> referenced) {
    List<String> names = kept.stream().filter(c -> c.kind() == Kind.NAME).map(ColumnSpec::name).toList();
    String first = names.stream().filter(n -> hinted(n, FIRST)).findFirst().orElse(null);
    String last = names.stream().filter(n -> hinted(n, LAST)).findFirst().orElse(null);
    if (first != null && last != null) {
      return List.of(first, last);
    }
    if (names.size() == 2) {
      Column a = col(Records.value(referenced.indexOf(names.get(0))));
      Column b = col(Records.value(referenced.indexOf(names.get(1))));
      Dataset<Row> va = records.select(a.as("v")).where(col("v").isNotNull()).distinct();
      Dataset<Row> vb = records.select(b.as("v")).where(col("v").isNotNull()).distinct();
      long shared = va.join(vb, "v").count();
      long distinct = Math.min(va.count(), vb.count());
      if (distinct > 0 && shared * 20 >= distinct) {
        return names;
      }
    }
    return List.of();
  }

  // ---- recognising a column from its name and a sample of its values ----

  private record Guess(Kind kind, String dateFormat, String reason) {}

  static final Set<String> FIRST = Set.of("first", "firstname", "given", "givenname", "forename", "fname", "prenom", "vorname", "nombre");
  static final Set<String> LAST =
      Set.of("last", "lastname", "surname", "family", "familyname", "lname", "nom", "nachname", "apellido", "apellidos");
  static final Set<String> NAME = Set.of("name", "fullname", "names");
  static final Set<String> DATE = Set.of("date", "dob", "birth", "birthdate", "birthday", "born", "naissance", "dt", "geburtsdatum");
  static final Set<String> EMAIL = Set.of("email", "mail", "courriel", "emailaddress");
  static final Set<String> PHONE = Set.of("phone", "tel", "telephone", "mobile", "cell", "portable", "gsm", "fax", "msisdn");
  static final Set<String> POSTCODE = Set.of("postcode", "zip", "zipcode", "postal", "cp", "plz", "postalcode", "codepostal");

  private static final Pattern EMAIL_VALUE = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Pattern PHONE_VALUE = Pattern.compile("[+(]?[0-9][0-9 .()/\\-]{5,}");
  private static final Pattern UK_POSTCODE = Pattern.compile("[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}");
  private static final Pattern CODE_VALUE = Pattern.compile("(?=.*[0-9])[A-Za-z0-9 \\-]{3,10}");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+([.,][0-9]+)?");
  private static final List<String> DATE_FORMATS =
      List.of("yyyy-MM-dd", "d/M/yyyy", "M/d/yyyy", "yyyy/MM/dd", "d.M.yyyy", "d-M-yyyy", "yyyyMMdd");

  /** The words of a column name: split on punctuation and camelCase, lower-cased. */
  static List<String> words(String name) {
    String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return Arrays.stream(spaced.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).toList();
  }

  static boolean hinted(String name, Set<String> hints) {
    List<String> w = words(name);
    return w.stream().anyMatch(hints::contains) || hints.contains(String.join("", w));
  }

  private static Guess guess(String name, DataType type, List<String> values) {
    if (type.equals(DataTypes.DateType) || type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
      return new Guess(Kind.DATE, "yyyy-MM-dd", "typed as a date");
    }
    if (values.isEmpty()) {
      return new Guess(null, null, "empty");
    }
    double emails = share(values, v -> EMAIL_VALUE.matcher(v).matches());
    if (emails >= 0.7 || (hinted(name, EMAIL) && emails >= 0.3)) {
      return new Guess(Kind.EMAIL, null, "emails");
    }
    String bestFormat = null;
    double bestShare = 0;
    for (String f : DATE_FORMATS) {
      if (f.equals("yyyyMMdd") && !hinted(name, DATE)) {
        continue; // eight digits are a date only when the column says so
      }
      DateTimeFormatter fmt = DateTimeFormatter.ofPattern(f.replace("yyyy", "uuuu"), Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
      double s = share(values, v -> parses(fmt, v));
      if (s > bestShare) {
        bestShare = s;
        bestFormat = f;
      }
    }
    if (bestShare >= 0.8 || (hinted(name, DATE) && bestShare >= 0.5)) {
      return new Guess(Kind.DATE, bestFormat, "dates (" + bestFormat + ")");
    }
    double phones = share(values, v -> PHONE_VALUE.matcher(v).matches() && digits(v) >= 8 && digits(v) <= 15);
    double prefixed = share(values, v -> v.startsWith("+") || v.startsWith("0") || v.startsWith("("));
    if ((hinted(name, PHONE) && phones >= 0.6) || (phones >= 0.9 && prefixed >= 0.8)) {
      return new Guess(Kind.PHONE, null, "phone numbers");
    }
    double uk = share(values, v -> UK_POSTCODE.matcher(v).matches());
    double codes = share(values, v -> CODE_VALUE.matcher(v).matches());
    if (uk >= 0.8 || (hinted(name, POSTCODE) && codes >= 0.7)) {
      return new Guess(Kind.POSTCODE, null, "postcodes");
    }
    long distinct = values.stream().distinct().count();
    if (share(values, v -> NUMBER.matcher(v).matches()) >= 0.95) {
      return distinct <= 50 && distinct * 10 <= values.size()
          ? new Guess(Kind.EXACT, null, "numbers with few values: compared exactly")
          : new Guess(null, null, "numbers (a measure or an identifier)");
    }
    double words = values.stream().mapToInt(v -> v.split("\\s+").length).average().orElse(0);
    double length = values.stream().mapToInt(String::length).average().orElse(0);
    if (words >= 4 || length >= 30) {
      return new Guess(Kind.TEXT, null, "free text");
    }
    if (hinted(name, FIRST) || hinted(name, LAST) || hinted(name, NAME)) {
      return new Guess(Kind.NAME, null, "names");
    }
    return new Guess(Kind.STRING, null, "short text");
  }

  private static boolean parses(DateTimeFormatter fmt, String v) {
    try {
      LocalDate d = LocalDate.parse(v, fmt);
      return d.getYear() >= 1850 && d.getYear() <= 2200;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static int digits(String v) {
    return (int) v.chars().filter(Character::isDigit).count();
  }

  private static double share(List<String> values, java.util.function.Predicate<String> test) {
    return values.stream().filter(test).count() / (double) values.size();
  }
}
