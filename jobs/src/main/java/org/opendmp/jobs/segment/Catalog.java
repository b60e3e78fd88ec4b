package org.opendmp.jobs.segment;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The names a segment rule may use, with their types, so that unknown names and type mismatches are refused
 * when segments.yaml is loaded, before any Spark job. Segment ids are not here: they come from segments.yaml
 * itself. Built by {@link KnownNames} (the one place to reconcile with traits, scores and profiles).
 *
 * @param traits {@code trait.<name>}: gold.traits keys ({@code product_views_30d}) and their types
 * @param scores {@code score.<name>}: gold.scores
 * @param profile {@code profile.<name>}: gold.profiles attributes
 * @param partnerCategories {@code partner.<category>}: categories of the partners' taxonomies (age_band, csp...)
 * @param partnerCodes known partner segment codes; empty when not known at load (then codes are not checked)
 * @param eventTypes the values of {@code event = ...} in event filters (silver.events event_type)
 * @param eventFields the other fields an event filter may test, each with its known values (empty: any value);
 *     each is a column of the daily event-count table
 * @param lookalikeModels {@code lookalike.<model_id>.<field>}: the model ids of conf/lookalike.yaml
 */
public record Catalog(
    Map<String, ValueType> traits,
    Map<String, ValueType> scores,
    Map<String, ValueType> profile,
    Set<String> partnerCategories,
    Set<String> partnerCodes,
    Set<String> eventTypes,
    Map<String, Set<String>> eventFields,
    Set<String> lookalikeModels) {

  /** The filter field that stands for event_type. */
  public static final String EVENT_FIELD = "event";

  /** A catalog without look-alike models. */
  public Catalog(Map<String, ValueType> traits, Map<String, ValueType> scores, Map<String, ValueType> profile,
      Set<String> partnerCategories, Set<String> partnerCodes, Set<String> eventTypes, Map<String, Set<String>> eventFields) {
    this(traits, scores, profile, partnerCategories, partnerCodes, eventTypes, eventFields, Set.of());
  }

  /** The same catalog with these look-alike model ids. */
  public Catalog withLookalikeModels(Set<String> ids) {
    return new Catalog(traits, scores, profile, partnerCategories, partnerCodes, eventTypes, eventFields, ids);
  }

  public Catalog {
    lookalikeModels = sortedSet(lookalikeModels);
    traits = sorted(traits);
    scores = sorted(scores);
    profile = sorted(profile);
    partnerCategories = sortedSet(partnerCategories);
    partnerCodes = sortedSet(partnerCodes);
    eventTypes = sortedSet(eventTypes);
    TreeMap<String, Set<String>> fields = new TreeMap<>();
    eventFields.forEach((k, v) -> fields.put(k, sortedSet(v)));
    eventFields = Collections.unmodifiableMap(fields);
    if (eventFields.containsKey(EVENT_FIELD)) {
      throw new IllegalArgumentException("'event' is the event type, not a field of eventFields");
    }
  }

  private static Map<String, ValueType> sorted(Map<String, ValueType> m) {
    return Collections.unmodifiableMap(new TreeMap<>(m));
  }

  private static Set<String> sortedSet(Set<String> s) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(s));
  }
}
