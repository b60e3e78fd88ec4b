package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;

/** Delimited files as other teams send them: messy headers, quoting, blanks, encodings, delimiters. */
class DedupeFilesTest {
  @TempDir Path dir;

  private Path file(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private Path file(String name, String text) throws IOException {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> values(DelimitedFile f, int record) {
    return Arrays.asList(f.records().get(record).values());
  }

  @Test
  void messyHeaderQuotingAndBlanks() throws IOException {
    Path f =
        file(
            "crm.csv",
            "\uFEFF  id ,\" First Name\",surname ,  e-mail,,city\r\n"
                + "7, \"Dupont, Jean\" ,\"O\"\"Brien\",  jd@x.fr  ,,Paris\r\n"
                + "\r\n"
                + "   \r\n"
                + "8,\"multi\nline\",Smith,,x,\r\n"
                + "9,Ann,Lee\r\n"
                + "10,Bob,Ray,b@y.com,z,Lyon,extra\r\n");
    DelimitedFile d = DelimitedFile.read(f, "dedupe");
    assertThat(d.charset()).isEqualTo(StandardCharsets.UTF_8);
    assertThat(d.delimiter()).isEqualTo(',');
    assertThat(d.header()).containsExactly("id", "First_Name", "surname", "e_mail", "column_5", "city");
    assertThat(d.records()).hasSize(4);
    assertThat(values(d, 0)).containsExactly("7", "Dupont, Jean", "O\"Brien", "jd@x.fr", null, "Paris");
    assertThat(values(d, 1)).containsExactly("8", "multi\nline", "Smith", null, "x", null);
    // line numbers: blank lines count, a quoted line break too
    assertThat(d.records()).extracting(DelimitedFile.Line::number).containsExactly(2L, 5L, 7L, 8L);
    assertThat(values(d, 2)).containsExactly("9", "Ann", "Lee", null, null, null);
    assertThat(values(d, 3)).hasSize(6);
    assertThat(d.raggedRows()).isEqualTo(2);
    assertThat(d.firstRaggedLine()).isEqualTo(7);
    assertThat(d.column(" first name ")).isEqualTo("First_Name");
    assertThat(d.column("E-Mail")).isEqualTo("e_mail");
  }

  @Test
  void latin1SemicolonsAndTabs() throws IOException {
    byte[] latin1 = "nom;prénom;ville\nLefèvre;Hélène;Orléans\n\"Dubois; fils\";Zoé;Besançon\n".getBytes(StandardCharsets.ISO_8859_1);
    DelimitedFile d = DelimitedFile.read(file("latin1.csv", latin1), "dedupe");
    assertThat(d.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
    assertThat(d.delimiter()).isEqualTo(';');
    assertThat(d.header()).containsExactly("nom", "prénom", "ville");
    assertThat(values(d, 0)).containsExactly("Lefèvre", "Hélène", "Orléans");
    assertThat(values(d, 1)).containsExactly("Dubois; fils", "Zoé", "Besançon");

    DelimitedFile utf8 = DelimitedFile.read(file("utf8.txt", "nom;prénom\nLefèvre;Hélène\n"), "dedupe");
    assertThat(utf8.charset()).isEqualTo(StandardCharsets.UTF_8);
    assertThat(values(utf8, 0)).containsExactly("Lefèvre", "Hélène");

    DelimitedFile tabs = DelimitedFile.read(file("t.tsv", "a\tb, with comma\tc\n1\t2, 3\t4\n"), "dedupe");
    assertThat(tabs.delimiter()).isEqualTo('\t');
    assertThat(tabs.header()).containsExactly("a", "b_with_comma", "c");
    assertThat(values(tabs, 0)).containsExactly("1", "2, 3", "4");
  }

  @Test
  void recordIdsAreLineNumbersOrTheIdColumn() throws IOException {
    Path f = file("p.csv", "id,name\n\nx1,Ann\n\"x2\",\"Bob\nJr\"\nx3,Cy\n");
    DelimitedFile d = DelimitedFile.read(f, "dedupe");
    List<Row> byLine = d.toDataset(SharedSpark.spark(), "p.csv", null, List.of("name"), "dedupe").collectAsList();
    assertThat(byLine).extracting(r -> r.getString(0)).containsExactly("3", "4", "6");
    assertThat(byLine).extracting(r -> r.getString(2)).containsExactly("Ann", "Bob\nJr", "Cy");
    List<Row> byId = d.toDataset(SharedSpark.spark(), "p.csv", "ID", List.of("name"), "dedupe").collectAsList();
    assertThat(byId).extracting(r -> r.getString(0)).containsExactly("x1", "x2", "x3");
    assertThat(byId).extracting(r -> r.getString(1)).containsOnly("p.csv");
  }

  @Test
  void oneLineErrors() throws IOException {
    assertThatThrownBy(() -> DelimitedFile.read(dir.resolve("nope.csv"), "dedupe"))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot dedupe: file not found (" + dir.resolve("nope.csv") + ")");
    Path empty = file("empty.csv", "\n  \n");
    assertThatThrownBy(() -> DelimitedFile.read(empty, "dedupe")).hasMessage("Cannot dedupe: the file is empty (file " + empty + ")");
    Path headerOnly = file("h.csv", "a,b\n");
    assertThatThrownBy(() -> DelimitedFile.read(headerOnly, "dedupe")).hasMessageContaining("a header but no records");
    Path noHeader = file("n.csv", "Julia,Taylor,2015-10-29\nNoah,Watson,2008-03-23\n");
    assertThatThrownBy(() -> DelimitedFile.read(noHeader, "dedupe"))
        .hasMessageContaining("the first line is not a header: field 3 is '2015-10-29'")
        .hasMessageContaining("line 1");
    Path dup = file("d.csv", "id,name\n1,Ann\n2,Bob\n1,Cy\n");
    DelimitedFile d = DelimitedFile.read(dup, "dedupe");
    assertThatThrownBy(() -> d.toDataset(SharedSpark.spark(), "d", "id", List.of("name"), "dedupe"))
        .hasMessageContaining("record id '1' appears twice in column 'id'")
        .hasMessageContaining("lines 2 and 4");
    Path blankId = file("b.csv", "id,name\n1,Ann\n,Bob\n");
    assertThatThrownBy(() -> DelimitedFile.read(blankId, "dedupe").toDataset(SharedSpark.spark(), "b", "id", List.of("name"), "dedupe"))
        .hasMessageContaining("no value in the id column 'id'")
        .hasMessageContaining("line 3");
  }
}
