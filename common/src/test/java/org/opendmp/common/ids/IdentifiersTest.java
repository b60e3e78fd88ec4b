package org.opendmp.common.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Test vectors for the one normalisation of identifiers. */
class IdentifiersTest {
  @Test
  void sha256OfKnownValues() {
    // Independent vectors: `printf 'abc' | sha256sum`, `printf 'test@example.com' | sha256sum`.
    assertThat(Identifiers.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Identifiers.emailSha256("  Test@Example.COM "))
        .isEqualTo("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b");
  }

  @Test
  void phonesInEveryFrenchFormatGiveOneE164() {
    for (String p :
        new String[] {"06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33612345678", "0033 6 12 34 56 78",
          "+33 (0)6 12 34 56 78", "06-12-34-56-78"}) {
      assertThat(Identifiers.normalizePhone(p, "FR")).as(p).isEqualTo("+33612345678");
    }
    // printf '+33612345678' | sha256sum
    assertThat(Identifiers.phoneSha256("06 12 34 56 78", "FR"))
        .isEqualTo("42d573cfc315801d4cd8eddd5416b416a0bf298b9b9e12d6b07442c91db42bd8");
    assertThat(Identifiers.normalizePhone("612345678", "FR")).isNull();
    assertThat(Identifiers.normalizePhone("06 12 AB 56 78", "FR")).isNull();
    assertThat(Identifiers.normalizePhone("020 7946 0958", "GB")).isEqualTo("+442079460958");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "-", "null", "NULL", "0", "anonymous", "undefined", "00000000-0000-0000-0000-000000000000", "000"})
  void junkIsNeverAnIdentifier(String junk) {
    assertThat(Identifiers.plain(junk)).isNull();
    assertThat(Identifiers.login(junk)).isNull();
    assertThat(Identifiers.emailSha256(junk)).isNull();
    assertThat(Identifiers.phoneSha256(junk, "FR")).isNull();
  }

  @Test
  void plainIdsAreTrimmedAndLoginsLowerCased() {
    assertThat(Identifiers.plain(" c-12ab ")).isEqualTo("c-12ab");
    assertThat(Identifiers.login(" Jean.Dupont ")).isEqualTo("jean.dupont");
    assertThat(Identifiers.plain(null)).isNull();
  }

  @Test
  void emailsMustLookLikeEmails() {
    assertThat(Identifiers.normalizeEmail("hannah88opowersc@m")).isNull();
    assertThat(Identifiers.normalizeEmail("a b@c.fr")).isNull();
    assertThat(Identifiers.normalizeEmail("Élodie.Martin@Free.fr")).isEqualTo("élodie.martin@free.fr");
  }

  @Test
  void receivedHashesAreValidated() {
    String h = Identifiers.sha256Hex("x");
    assertThat(Identifiers.sha256HexOrNull(h.toUpperCase())).isEqualTo(h);
    assertThat(Identifiers.sha256HexOrNull("abc")).isNull();
    assertThat(Identifiers.sha256HexOrNull("0".repeat(64))).isNull();
  }
}
