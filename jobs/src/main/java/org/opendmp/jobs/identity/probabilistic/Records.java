package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_date;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  private static final String ACCENTED = "áàâäãåāéèêëēíìîïīóòôöõøōúùûüūýÿçñšžł";
  private static final String PLAIN = "aaaaaaaeeeeeiiiiiooooooouuuuuyycnszl";

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
    Column s = trim(raw.cast("string"));
    Column junk = s.isNull().or(lower(s).isin(JUNK.toArray()));
    Column v =
        switch (kind) {
          case NAME, STRING, TEXT ->
              trim(regexp_replace(
                  regexp_replace(translate(lower(s), ACCENTED, PLAIN), "[œ]", "oe"), "[^\\p{L}\\p{N}]+", " "));
          case EXACT -> lower(s);
          case EMAIL -> regexp_replace(lower(s), "\\s+", "");
          // digits only, without the international 00 (so +33 6... and 0033 6... agree)
          case PHONE -> regexp_replace(regexp_replace(s, "[^0-9]", ""), "^00", "");
          case POSTCODE -> regexp_replace(upper(s), "[^A-Z0-9]", "");
          case DATE -> throw new IllegalStateException("handled above");
        };
    Column empty = kind == Kind.PHONE ? length(v).lt(6) : length(v).equalTo(0);
    return when(junk.or(empty), lit(null).cast("string")).otherwise(v);
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
