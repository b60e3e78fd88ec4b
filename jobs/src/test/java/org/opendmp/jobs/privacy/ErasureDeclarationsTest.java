package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.ErasureKey;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;

/** Every declared table is covered by the erase or exempt with a reason, and no person column is forgotten. */
class ErasureDeclarationsTest {
  /** Column names that hold a person id or an identifier value wherever they appear. */
  static final Set<String> PERSON_COLUMNS = Set.of("person_id", "old_person_id", "new_person_id", "id_value", "id_value_a",
      "id_value_b", "id_values", "crm_id", "cookie", "ad_cookie", "login", "maid", "email_sha256", "phone_sha256", "loyalty_card",
      "partner_uid", "pii_key", "raw_line", "email", "url");

  @Test
  void everyTableIsCoveredOrExemptWithAReasonNeverBoth() {
    List<String> problems = new ArrayList<>();
    for (TableDef t : Tables.all()) {
      boolean covered = !Tables.erasureKeys(t).isEmpty();
      boolean exempt = Tables.erasureExemption(t).filter(r -> !r.isBlank()).isPresent();
      if (covered == exempt) {
        problems.add(t.fullName() + (covered ? " is both covered and exempt" : " is neither covered nor exempt"));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyPersonColumnOfACoveredTableIsMatchedByAKey() {
    List<String> missing = new ArrayList<>();
    for (TableDef t : Tables.all()) {
      if (Tables.erasureExemption(t).isPresent()) {
        continue;
      }
      Set<String> keyed = new java.util.HashSet<>();
      Tables.erasureKeys(t).forEach(k -> keyed.add(k.column()));
      t.columns().stream().filter(PERSON_COLUMNS::contains).filter(c -> !keyed.contains(c))
          .filter(c -> !(t == Tables.CUSTOMERS_PII && PiiCipher.ENCRYPTED_COLUMNS.contains(c)))
          .forEach(c -> missing.add(t.fullName() + "." + c));
    }
    // silver.customers_pii's contact columns are encrypted (no value can match them): its rows go by pii_key
    assertThat(Tables.erasureKeys(Tables.CUSTOMERS_PII)).extracting(ErasureKey::column).containsOnly("pii_key");
    assertThat(missing).isEmpty();
  }

  @Test
  void exemptTablesHoldNoPersonColumnExceptTheDocumentedOnes() {
    List<String> held = new ArrayList<>();
    for (TableDef t : Tables.all()) {
      if (Tables.erasureExemption(t).isPresent()) {
        t.columns().stream().filter(PERSON_COLUMNS::contains).forEach(c -> held.add(t.fullName() + "." + c));
      }
    }
    // the removals the next delivery must send: documented in README "Privacy", consumed by activate
    assertThat(held).containsExactlyInAnyOrder("activation.pending_removals.person_id", "activation.pending_removals.id_values");
  }

  @Test
  void everyRejectsTableMatchesItsRawLineAsText() {
    for (TableDef t : Tables.all()) {
      if (t.name().endsWith("_rejects")) {
        assertThat(Tables.erasureKeys(t)).as(t.fullName()).contains(ErasureKey.text("raw_line"));
      }
    }
  }
}
