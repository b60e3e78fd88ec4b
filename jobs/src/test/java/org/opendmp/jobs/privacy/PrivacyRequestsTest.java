package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;
import org.opendmp.jobs.privacy.PrivacyRequests.Request;

/** The request feed: valid rows normalised and hashed like ingestion; malformed rows rejected without their value. */
class PrivacyRequestsTest {
  static final String FILE = "landing/privacy/dt=2026-11-03/requests.csv";

  static List<Request> parse(String... lines) {
    return PrivacyRequests.parse(List.of(lines), FILE, IdNormalizer.defaults());
  }

  @Test
  void validRowsAreNormalisedAndHashedLikeIngestion() {
    List<Request> r = parse(PrivacyRequests.HEADER, "r1,erase,email, Anna.Smith@Example.COM ", "r2,ACCESS,phone,06 12 34 56 78",
        "r3,erase,login,AnnaS", "r4,erase,cookie,ck-1", "", "r5,access,crm_id,C0042");
    assertThat(r).hasSize(5).allMatch(Request::valid);
    assertThat(r.get(0).idType()).isEqualTo("email_sha256");
    assertThat(r.get(0).idValue()).isEqualTo(Identifiers.sha256Hex("anna.smith@example.com"));
    assertThat(r.get(0).textForms()).contains("anna.smith@example.com", Identifiers.sha256Hex("anna.smith@example.com"));
    assertThat(r.get(1).type()).isEqualTo("access");
    assertThat(r.get(1).idValue()).isEqualTo(Identifiers.sha256Hex("+33612345678"));
    assertThat(r.get(2).idValue()).isEqualTo("annas");
    assertThat(r.get(3).idType()).isEqualTo("cookie");
    assertThat(r.get(4).line()).isEqualTo(7);
  }

  @Test
  void malformedRowsAreRejectedWithLineColumnAndKeyButNeverTheValue() {
    List<Request> r = parse(PrivacyRequests.HEADER,
        "r1,erase,email,not-an-email",
        "r2,delete,email,zoe@example.com",
        "r3,erase,passport,zoe@example.com",
        "zoe@example.com,erase,email,zoe@example.com",
        "r5,erase,email",
        "r6,erase,phone,12",
        "r1,access,email,zoe@example.com",
        "r8,erase,email,");
    assertThat(r).hasSize(8).noneMatch(Request::valid);
    assertThat(r.get(0).reason()).isEqualTo("id_value is empty, junk or not a valid email at file " + FILE + ", line 2, column 4 (id_value)");
    assertThat(r.get(1).reason()).contains("type must be one of [erase, access]", "line 3, column 2 (type)");
    assertThat(r.get(1).type()).isNull();
    assertThat(r.get(2).reason()).contains("id_type must be one of", "line 4, column 3 (id_type)");
    assertThat(r.get(3).reason()).contains("request_id must be", "line 5, column 1");
    assertThat(r.get(3).requestId()).isEqualTo("line:5");
    assertThat(r.get(4).reason()).contains("expected 4 comma-separated fields, got 3", "line 6");
    assertThat(r.get(5).reason()).contains("not a valid phone", "line 7");
    assertThat(r.get(6).reason()).contains("duplicate request_id (first on line 2)", "line 8");
    assertThat(r.get(7).reason()).contains("line 9, column 4");
    for (Request x : r) {
      assertThat(x.reason()).doesNotContain("zoe", "not-an-email");
      assertThat(x.requestId()).doesNotContain("zoe");
      assertThat(x.idValue()).isNull();
      assertThat(x.toString()).doesNotContain("zoe");
    }
  }

  @Test
  void aWrongHeaderStopsTheNightNamingTheFileAndLine() {
    assertThatThrownBy(() -> parse("id,type,id_type,value", "r1,erase,cookie,c1"))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot read privacy requests: line 1 must be the header 'request_id,type,id_type,id_value' (file " + FILE + ", line 1)");
  }
}
