/**
 * The synthetic world generator: the project's test bed and benchmark data (docs/LANDING.md is its contract).
 *
 * <p>API: {@link org.opendmp.jobs.generate.WorldGenerator#generate(GeneratorSpec, java.util.function.Consumer)}
 * takes a {@link org.opendmp.jobs.generate.GeneratorSpec} (out, people, days, start, seed) and returns a
 * {@link org.opendmp.jobs.generate.GeneratorReport}. It replaces out/landing and out/truth.
 *
 * <p>How it is built, one concern per class:
 * <ul>
 *   <li>people: {@code Population} (households, attributes, devices), {@code Person}, {@code Device};
 *   <li>behaviour: {@code DaySimulator} (a person's day, addresses: home line, mobile network, shared networks;
 *       device switching at home), {@code Session} (browsing), {@code StoreTicket},
 *       {@code Crm}/{@code CrmRecord} (the CRM and its daily changes), {@code Plans} (the planted use cases);
 *   <li>feeds: {@code WeblogFeed}, {@code CollectorFeed}, {@code AdFeed}, {@code IdSyncFeed}, {@code StoreFeed},
 *       {@code ServiceFeeds} (call center, catalog), {@code CrmFeed}, {@code PartnerFeed}, all writing through
 *       {@code FeedFile} (plain or gzip, deterministic, ~0.5% malformed via {@code LineShape});
 *   <li>truth: {@code IdRegistry} (interning + union-find of evidence groups over {@code IdType} keys),
 *       {@code IdValues} (the value of every identifier, normalised by {@code Identifiers}), {@code TruthWriter};
 *   <li>reference data and typing: {@code FrenchData}, {@code Products}, {@code Typing};
 *   <li>determinism: {@code Seeds} (one seeded generator per person-day and per concern), {@code Day} (time formats).
 * </ul>
 */
package org.opendmp.jobs.generate;
