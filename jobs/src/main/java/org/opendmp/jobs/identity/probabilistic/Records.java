package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_date;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;

/**
 * Input records as the engine sees them: one key, and the normalised value of every column the spec reads.
 * Pure transforms, no actions.
 */
public final class Records {
  private Records() {}

  /** Values people and systems write when there is nothing, compared lower-cased and trimmed. */
  static final List<String> JUNK = List.of("", "null", "none", "nan", "n/a", "na", "unknown", "-", "?");

  /** The internal name of the normalised value of spec column {@code i} of {@link MatchSpec#referencedColumns}. */
  static String value(int i) {
    return "_c" + i;
  }

  /** A column of an input frame by its name, whatever characters the name holds. */
  static Column input(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /**
   * Normalises one input.
   *
   * <p>Input: {@code record_id} (any type; unique per source), optionally {@code source} (a label; else
   * {@code defaultSource}), and every column of {@link MatchSpec#referencedColumns}. Output, one row per input
   * row: {@code _side INT} (0 left, 1 right), {@code source STRING}, {@code record_id STRING}, {@code _key STRING}
   * (source and record id, numeric ids padded so that keys sort numerically), then {@code _c0.._cN}: the
   * normalised values in the order of {@link MatchSpec#referencedColumns} (DATE for date columns, else STRING).
   * Nulls, blanks and junk words ("null", "n/a", "unknown", ...) become null, which comparisons treat as neutral.
   */
  public static Dataset<Row> prepare(Dataset<Row> input, int side, String defaultSource, MatchSpec spec) {
    List<String> names = Arrays.asList(input.columns());
    List<String> referenced = spec.referencedColumns();
    List<String> missing = new ArrayList<>();
    if (!names.contains("record_id")) {
      missing.add("record_id");
    }
    referenced.stream().filter(c -> !names.contains(c)).forEach(missing::add);
    if (!missing.isEmpty()) {
      throw new DmpException(
          "Cannot link records: the " + (side == 0 ? "left" : "right") + " input has no column " + String.join(", ", missing)
              + " (columns: " + String.join(", ", names) + ")");
    }
    Column source = names.contains("source") ? coalesce(input("source").cast("string"), lit(defaultSource)) : lit(defaultSource);
    Column recordId = trim(input("record_id").cast("string"));
    List<Column> out = new ArrayList<>();
    out.add(lit(side).as("_side"));
    out.add(source.as("source"));
    out.add(recordId.as("record_id"));
    out.add(key(source, recordId).as("_key"));
    for (int i = 0; i < referenced.size(); i++) {
      String name = referenced.get(i);
      ColumnSpec c = spec.column(name);
      DataType type = input.schema().apply(input.schema().fieldIndex(name)).dataType();
      out.add(normalise(input(name), type, c == null ? Kind.STRING : c.kind(), c == null ? null : c.dateFormat()).as(value(i)));
    }
    return input.select(out.toArray(Column[]::new));
  }

  /** Source and record id in one sortable key; numeric ids are padded so that "9" sorts before "10". */
  static Column key(Column source, Column recordId) {
    Column id =
        when(recordId.rlike("^(0|[1-9][0-9]{0,18})$"), concat(lit("#"), lpad(recordId, 19, "0")))
            .otherwise(concat(lit("$"), recordId));
    return concat(source, lit("\u0001"), id);
  }

  /** The normalised form of a value of this kind (see {@link Kind}); null for blanks and junk. */
  static Column normalise(Column raw, DataType type, Kind kind, String dateFormat) {
    if (kind == Kind.DATE) {
      if (type.equals(DataTypes.DateType)) {
        return raw;
      }
      if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
        return to_date(raw);
      }
      return try_to_date(trim(raw.cast("string")), dateFormat);
    }
    // One Java call per value and record (never per pair). Spark's lower() goes through ICU case mapping in
    // Spark 4, which builds a break iterator per value and was most of the cost of reading 50,000 records.
    return NORMALISE.apply(raw.cast("string"), lit(kind.name()));
  }

  private static final UserDefinedFunction NORMALISE =
      udf((UDF2<String, String, String>) Records::normalise, DataTypes.StringType).withName("dmp_normalise");

  private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Pattern DIACRITICS = Pattern.compile("\\p{M}+");

  /**
   * Normalises one value: names, strings and text lower-cased, without accents ({@code é} is {@code e},
   * {@code œ} is {@code oe}), punctuation runs as one space; codes lower-cased; emails lower-cased without spaces;
   * phones as digits without the international {@code 00} (so +33 6... and 0033 6... agree), null under 6
   * digits; postcodes upper-case letters and digits. Null for blanks and junk words.
   */
  static String normalise(String raw, String kindName) {
    if (raw == null) {
      return null;
    }
    String s = raw.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (JUNK.contains(lower)) {
      return null;
    }
    String v =
        switch (Kind.valueOf(kindName)) {
          case NAME, STRING, TEXT -> {
            String plain = DIACRITICS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
            plain = plain.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss").replace("ø", "o").replace("ł", "l");
            yield NOT_LETTER_OR_DIGIT.matcher(plain).replaceAll(" ").strip();
          }
          case EXACT -> lower;
          case EMAIL -> lower.replaceAll("\\s+", "");
          case PHONE -> {
            String digits = s.replaceAll("[^0-9]", "");
            digits = digits.startsWith("00") ? digits.substring(2) : digits;
            yield digits.length() < 6 ? "" : digits;
          }
          case POSTCODE -> s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
          case DATE -> throw new IllegalStateException("dates are parsed, not normalised as text");
        };
    return v.isEmpty() ? null : v;
  }

  /** The input's column names and types, for messages. */
  static String describe(Dataset<Row> input) {
    List<String> parts = new ArrayList<>();
    for (StructField f : input.schema().fields()) {
      parts.add(f.name());
    }
    return String.join(", ", parts);
  }
}
