package org.opendmp.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.profile.ProfilesConfig.Rule;

/** conf/profiles.yaml and its reference files: the shipped ones, and every way a file is refused, with its position. */
class ProfilesConfigTest {
  static final Path CONF = Path.of("..", "conf");

  static final String BASE = """
      ttl_days: 30
      partner_max_age_days: 7
      departments: departments.csv
      agencies: agencies.csv
      attributes:
        - name: postcode
          field: postcode
          rule: source_priority
          sources: [crm, store]
      """;

  @TempDir Path tmp;

  @Test
  void theShippedFilesLoad() {
    ProfilesConfig conf = ProfilesConfig.load(CONF.resolve("profiles.yaml"));
    assertThat(conf.ttlDays()).isEqualTo(395);
    assertThat(conf.partnerMaxAgeDays()).isEqualTo(30);
    assertThat(conf.maxValues()).isEqualTo(10);
    assertThat(conf.contactability().adsWithoutCrmConsent()).isFalse();
    assertThat(conf.attributes()).extracting(ProfilesConfig.Attribute::kind)
        .contains(Rule.MOST_RECENT, Rule.SOURCE_PRIORITY, Rule.FIRST_SEEN, Rule.UNION);
    assertThat(conf.fieldSources()).containsExactly("birth_date|crm", "city|crm", "postcode|crm", "postcode|store");
    GeoReference geo = GeoReference.load(CONF.resolve(conf.departments()), CONF.resolve(conf.agencies()));
    assertThat(geo.departments()).hasSize(101);
    assertThat(geo.agencies()).hasSize(16);
    // every region code of the generator's cities (FrenchData.REGIONS) is a department's region
    assertThat(geo.departments()).extracting(GeoReference.Department::region)
        .contains("idf", "ara", "paca", "occ", "naq", "hdf", "ges", "bre", "pdl", "nor", "bfc", "cvl", "cor");
    GeoReference.Department paris = geo.departments().stream().filter(d -> d.code().equals("75")).findFirst().orElseThrow();
    assertThat(geo.nearest(paris).id()).isEqualTo("AG01");
  }

  @Test
  void defaultsApply() throws Exception {
    ProfilesConfig conf = load(BASE);
    assertThat(conf.maxValues()).isEqualTo(10);
    assertThat(conf.contactability().adsIdTypes()).containsExactly("ad_cookie", "maid", "email_sha256", "phone_sha256");
  }

  @Test
  void unknownKeysAreRefusedWithTheirLineAndColumn() {
    assertThatThrownBy(() -> load(BASE + "ttl_dayz: 3\n"))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("Cannot load config: unknown key 'ttl_dayz'")
        .hasMessageContaining("p.yaml, line 10, column 1");
    assertThatThrownBy(() -> load(BASE.replace("rule: source_priority", "rul: source_priority")))
        .hasMessageContaining("unknown key 'attributes[0].rul'").hasMessageContaining("line 8, column 5");
    assertThatThrownBy(() -> load(BASE + "contactability: {ads_without_consent: true}\n"))
        .hasMessageContaining("unknown key 'contactability.ads_without_consent'").hasMessageContaining("line 10, column 18");
  }

  @Test
  void badValuesAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> load(BASE.replace("ttl_days: 30", "ttl_days: 0")))
        .hasMessageContaining("key 'ttl_days' must be between 1 and 3660, got 0").hasMessageContaining("line 1, column 1");
    assertThatThrownBy(() -> load(BASE.replace("ttl_days: 30", "ttl_days: soon")))
        .hasMessageContaining("ttl_days").hasMessageContaining("an integer").hasMessageContaining("line 1");
    assertThatThrownBy(() -> load(BASE.replace("partner_max_age_days: 7\n", "")))
        .hasMessageContaining("key 'partner_max_age_days' is required but missing");
    assertThatThrownBy(() -> load(BASE.replace("rule: source_priority", "rule: newest")))
        .hasMessageContaining("key 'attributes[0].rule' must be one of most_recent, source_priority, first_seen, union, got 'newest'")
        .hasMessageContaining("line 8, column 5");
    assertThatThrownBy(() -> load(BASE.replace("rule: source_priority", "rule: union")))
        .hasMessageContaining("key 'attributes[0].rule' cannot be union for 'postcode'");
    assertThatThrownBy(() -> load(BASE.replace("[crm, store]", "[crm, web]")))
        .hasMessageContaining("key 'attributes[0].sources[1]' is not a source of postcode: 'web'").hasMessageContaining("line 9");
    assertThatThrownBy(() -> load(BASE.replace("[crm, store]", "[crm, crm]")))
        .hasMessageContaining("key 'attributes[0].sources[1]' repeats the source 'crm'");
    assertThatThrownBy(() -> load(BASE.replace("field: postcode", "field: street")))
        .hasMessageContaining("key 'attributes[0].field' must be one of [birth_date, city, postcode], got 'street'")
        .hasMessageContaining("line 7, column 5");
    assertThatThrownBy(() -> load(BASE.replace("departments.csv", "../departments.csv")))
        .hasMessageContaining("key 'departments' must be the name of a .csv file in conf_dir").hasMessageContaining("line 3");
    assertThatThrownBy(() -> load(BASE + "contactability: {ads_id_types: [cookies]}\n"))
        .hasMessageContaining("key 'contactability.ads_id_types[0]' is not an identifier type: 'cookies'");
    assertThatThrownBy(() -> load(BASE + "  - {name: postcode, field: city, rule: most_recent, sources: [crm]}\n"))
        .hasMessageContaining("key 'attributes[1].name' 'postcode' is declared twice (first as attributes[0])")
        .hasMessageContaining("line 10");
  }

  @Test
  void badReferenceLinesAreRefusedWithTheirLine() throws Exception {
    Path agencies = tmp.resolve("agencies.csv");
    Files.writeString(agencies, "agency_id,name,postcode,latitude,longitude\nAG1,A,75011,48.8,2.3\n");
    Path deps = tmp.resolve("departments.csv");
    Files.writeString(deps, "# comment\ndepartment,name,region,latitude,longitude\n75,Paris,idf,48.857,2.352\n7X,Bad,idf,1,1\n");
    assertThatThrownBy(() -> GeoReference.load(deps, agencies))
        .hasMessageContaining("Cannot load config: column 'department' must be two digits, 2A, 2B or 97x, got '7X'")
        .hasMessageContaining("departments.csv, line 4");
    Files.writeString(deps, "department,name,region,latitude,longitude\n75,Paris,idf,148.857,2.352\n");
    assertThatThrownBy(() -> GeoReference.load(deps, agencies))
        .hasMessageContaining("column 'latitude' must be between -90.0 and 90.0, got 148.857").hasMessageContaining("line 2");
    Files.writeString(deps, "department,name,region,latitude,longitude\n75,Paris,idf,48.857\n");
    assertThatThrownBy(() -> GeoReference.load(deps, agencies)).hasMessageContaining("4 fields, expected 5").hasMessageContaining("line 2");
    Files.writeString(deps, "dept,name,region,latitude,longitude\n");
    assertThatThrownBy(() -> GeoReference.load(deps, agencies)).hasMessageContaining("the header must be").hasMessageContaining("line 1");
    Files.writeString(deps, "department,name,region,latitude,longitude\n75,Paris,idf,48.857,2.352\n");
    Files.writeString(agencies, "agency_id,name,postcode,latitude,longitude\nAG1,A,75011,48.8,2.3\nAG1,B,7501,48.8,2.3\n");
    assertThatThrownBy(() -> GeoReference.load(deps, agencies)).hasMessageContaining("repeats the agency AG1").hasMessageContaining("line 3");
    assertThatThrownBy(() -> GeoReference.load(deps, tmp.resolve("none.csv"))).hasMessageContaining("file not found");
  }

  ProfilesConfig load(String text) throws Exception {
    Path p = tmp.resolve("p.yaml");
    Files.writeString(p, text);
    return ProfilesConfig.load(p);
  }
}
