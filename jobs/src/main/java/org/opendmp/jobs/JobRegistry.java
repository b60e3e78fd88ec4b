package org.opendmp.jobs;

import java.util.List;
import java.util.stream.Collectors;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.activate.Activate;
import org.opendmp.jobs.conform.Conform;
import org.opendmp.jobs.identity.Identity;
import org.opendmp.jobs.ingest.IngestAdserver;
import org.opendmp.jobs.ingest.IngestCallcenter;
import org.opendmp.jobs.ingest.IngestCatalog;
import org.opendmp.jobs.ingest.IngestCrm;
import org.opendmp.jobs.ingest.IngestIdsync;
import org.opendmp.jobs.ingest.IngestPartnerData;
import org.opendmp.jobs.ingest.IngestStore;
import org.opendmp.jobs.ingest.IngestWeblogs;
import org.opendmp.jobs.lookalike.Lookalike;
import org.opendmp.jobs.ops.Maintenance;
import org.opendmp.jobs.privacy.Privacy;
import org.opendmp.jobs.profile.Profiles;
import org.opendmp.jobs.profile.Traits;
import org.opendmp.jobs.score.Scores;
import org.opendmp.jobs.segment.Segments;

/**
 * The jobs, in nightly order (DESIGN.md §5). {@code dmp jobs}, {@code dmp nightly} and the Airflow DAG are all
 * built from this one list.
 */
public final class JobRegistry {
  private static final List<JobSpec> ALL =
      List.of(
          new JobSpec("ingest_weblogs", "ingest", "Web server logs and collector events",
              List.of("landing:weblogs"), List.of("bronze.web_events", "bronze.web_events_rejects"), IngestWeblogs::new),
          new JobSpec("ingest_adserver", "ingest", "Ad impressions and clicks",
              List.of("landing:adserver"), List.of("bronze.ad_events", "bronze.ad_events_rejects"), IngestAdserver::new),
          new JobSpec("ingest_idsync", "ingest", "Cookie matching with partners",
              List.of("landing:idsync"), List.of("bronze.id_sync", "bronze.id_sync_rejects"), IngestIdsync::new),
          new JobSpec("ingest_crm", "ingest", "CRM full and delta extracts (clear contact data to customers_pii only)",
              List.of("landing:crm"), List.of("bronze.crm_customers", "bronze.crm_customers_rejects", "silver.customers_pii"), IngestCrm::new),
          new JobSpec("ingest_store", "ingest", "Store POS transactions and wifi logins",
              List.of("landing:store"),
              List.of("bronze.store_transactions", "bronze.store_wifi_logins", "bronze.store_transactions_rejects",
                  "bronze.store_wifi_logins_rejects", "silver.customers_pii"), IngestStore::new),
          new JobSpec("ingest_callcenter", "ingest", "Call-center appointments",
              List.of("landing:callcenter"), List.of("bronze.callcenter_appointments", "bronze.callcenter_appointments_rejects"), IngestCallcenter::new),
          new JobSpec("ingest_catalog", "ingest", "Catalog mailings",
              List.of("landing:catalog"), List.of("bronze.catalog_mailings", "bronze.catalog_mailings_rejects"), IngestCatalog::new),
          new JobSpec("ingest_partner_data", "ingest", "2nd/3rd-party segments and taxonomies",
              List.of("landing:partner_data"),
              List.of("bronze.partner_segments", "bronze.partner_taxonomy", "bronze.partner_segments_rejects", "bronze.partner_taxonomy_rejects"),
              IngestPartnerData::new),
          new JobSpec("privacy", "privacy",
              "Erase and access requests (landing privacy/dt=D/requests.csv, optional; conf/privacy.yaml): every row about an erased"
                  + " person removed from every zone, vacuumed and scrubbed from the Delta logs, identifiers to the suppression list,"
                  + " removals kept for the next deliveries, their lines taken out of earlier delivery files (and sent removals once"
                  + " sent); one JSON file per access request under export_root/privacy",
              List.of("landing-optional:privacy", "identity.id_graph", "identity.person_merges", "activation.audience",
                  "activation.pending_removals", "activation.exports", "every table with erasure keys"),
              List.of("ops.privacy_requests", "ops.erasure_suppressions", "activation.pending_removals", "every table with erasure keys",
                  "export_root"),
              Privacy::new),
          new JobSpec("conform", "conform", "Bronze to silver: events, identifier pairs, CRM state, consents, identifiers",
              List.of("bronze.web_events", "bronze.ad_events", "bronze.id_sync", "bronze.crm_customers", "bronze.store_transactions",
                  "bronze.store_wifi_logins", "bronze.callcenter_appointments", "bronze.catalog_mailings", "ops.erasure_suppressions"),
              List.of("silver.events", "silver.id_observations", "silver.customers", "silver.consents", "silver.identifiers"), Conform::new),
          new JobSpec("identity", "identity",
              "Deterministic, probabilistic and device links; stable person ids under the guards; merges, splits, households, audit",
              List.of("silver.id_observations", "silver.events", "silver.customers_pii", "bronze.web_events", "silver.id_links", "identity.id_graph"),
              List.of("silver.id_links", "identity.id_graph", "identity.person_merges", "identity.households", "identity.audit"), Identity::new),
          new JobSpec("traits", "profile", "Per-person daily aggregates and rolling-window traits (conf/traits.yaml)",
              List.of("silver.events", "identity.id_graph", "identity.person_merges", "gold.person_daily", "gold.traits"),
              List.of("gold.person_daily", "gold.traits"), Traits::new),
          new JobSpec("profiles", "profile",
              "One profile per person: identities, CRM, consents and contactability, attributes by survivorship, region and"
                  + " nearest agency, household, partner segments through ID sync (conf/profiles.yaml)",
              List.of("identity.id_graph", "identity.person_merges", "identity.households", "silver.customers", "silver.customers_pii",
                  "silver.consents", "silver.events", "bronze.store_transactions", "bronze.partner_segments", "bronze.partner_taxonomy", "gold.profiles"),
              List.of("gold.profiles"), Profiles::new),
          new JobSpec("scores", "score", "RFM quintiles, rule-plan points, marketing pressure and propensity to purchase (conf/scores.yaml)",
              List.of("gold.traits", "gold.profiles"), List.of("gold.scores", "gold.model_reports"), Scores::new),
          new JobSpec("lookalike", "lookalike",
              "Look-alike models (conf/lookalike.yaml): trained on the previous night's seed segment, every eligible person scored,"
                  + " reports with held-out AUC, lift and the reach/accuracy table",
              List.of("gold.profiles", "gold.traits", "gold.scores", "gold.segment_membership"),
              List.of("gold.lookalike_scores", "gold.model_reports"), Lookalike::new),
          new JobSpec("segments", "segment",
              "Daily event counts, segment rules (conf/segments.yaml), membership with TTL and control groups, stats",
              List.of("silver.events", "identity.id_graph", "identity.person_merges", "gold.profiles", "gold.traits", "gold.scores",
                  "gold.lookalike_scores", "gold.segment_events", "gold.segment_membership"),
              List.of("gold.segment_events", "gold.segment_membership", "gold.segment_stats"), Segments::new),
          new JobSpec("activate", "activate",
              "Partner deliveries of conf/destinations.yaml (consent, control groups, suppressions, global opt-out list,"
                  + " pressure cap, identity strictness, routing; full or incremental; the CRM feedback) to export_root with"
                  + " manifest.json and _SUCCESS, logged in activation.exports",
              List.of("gold.segment_membership", "gold.segment_stats", "gold.profiles", "identity.id_graph", "silver.id_links",
                  "gold.scores", "gold.traits", "silver.events", "activation.audience", "activation.exports", "activation.pending_removals"),
              List.of("activation.audience", "activation.exports", "activation.pending_removals"), Activate::new),
          new JobSpec("maintenance", "maintenance",
              "Retention (conf/maintenance.yaml), compaction and Z-ordering of the night's partitions, vacuum, expired deliveries",
              List.of("every lake table", "export_root"), List.of("ops.maintenance"), Maintenance::new));

  private JobRegistry() {}

  public static List<JobSpec> all() {
    return ALL;
  }

  /** The job of that name, or a one-line error listing the known names. */
  public static JobSpec byName(String name) {
    return ALL.stream().filter(j -> j.name().equals(name)).findFirst()
        .orElseThrow(() -> new DmpException("Cannot find job '" + name + "': known jobs are " + names()));
  }

  /** The jobs from {@code first} on (all when null), for resuming a failed night. */
  public static List<JobSpec> from(String first) {
    if (first == null) {
      return ALL;
    }
    return ALL.subList(ALL.indexOf(byName(first)), ALL.size());
  }

  /** The jobs up to and including {@code last}, e.g. every ingest job and conform. */
  public static List<JobSpec> until(String last) {
    return ALL.subList(0, ALL.indexOf(byName(last)) + 1);
  }

  /**
   * The earlier jobs of {@code job}'s stage in {@code jobs} that it must wait for: those writing a table it writes
   * or reads (two writers of one Delta table would conflict; a reader must see the night's rows). The rest of the
   * stage may run at the same time. The Airflow DAG applies the same rule (its test compares them).
   */
  public static List<JobSpec> waitsFor(List<JobSpec> jobs, JobSpec job) {
    java.util.Set<String> touched = new java.util.HashSet<>(job.inputs());
    touched.addAll(job.outputs());
    List<JobSpec> out = new java.util.ArrayList<>();
    for (JobSpec earlier : jobs) {
      if (earlier.name().equals(job.name())) {
        break;
      }
      if (earlier.stage().equals(job.stage()) && earlier.outputs().stream().anyMatch(touched::contains)) {
        out.add(earlier);
      }
    }
    return out;
  }

  public static String names() {
    return ALL.stream().map(JobSpec::name).collect(Collectors.joining(", "));
  }
}
