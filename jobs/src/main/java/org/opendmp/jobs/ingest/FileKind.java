package org.opendmp.jobs.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.table.TableDef;

/**
 * One kind of landing file: which file names it covers, the bronze table it feeds, its header line, its
 * parser, and whether its raw lines may hold contact data (then rejected lines are masked).
 *
 * @param fileName regex matched against the file's name ({@code .gz} is allowed after it)
 * @param header the header line, or null when the files have none
 * @param sideDdl columns the parser produces beyond the bronze columns (clear PII routed elsewhere), or ""
 */
public record FileKind(
    String name, String fileName, TableDef table, String header, LineParser parser, String sideDdl, boolean holdsContactData) {

  /** The columns the parser produces: the bronze columns except the ones the reader adds, then side columns. */
  public StructType parseSchema() {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      if (!List.of("record_id", "source_file", "run_date").contains(f.name())) {
        fields.add(f);
      }
    }
    if (!sideDdl.isEmpty()) {
      fields.addAll(List.of(StructType.fromDDL(sideDdl).fields()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  public boolean matches(String file) {
    return Pattern.compile(fileName + "(\\.gz)?").matcher(file).matches();
  }
}
