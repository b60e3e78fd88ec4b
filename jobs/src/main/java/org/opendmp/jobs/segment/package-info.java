/**
 * Segments: the language of conf/segments.yaml (grammar and semantics in README.md, "Segments") and the
 * transforms that evaluate it.
 *
 * <p>Load time, pure Java: {@link org.opendmp.jobs.segment.SegmentsConfig} (the file's shape) -> {@link
 * org.opendmp.jobs.segment.RuleParser} (text -> {@link org.opendmp.jobs.segment.Ast}) -> {@link
 * org.opendmp.jobs.segment.RuleCompiler} (names and types checked against a {@link
 * org.opendmp.jobs.segment.Catalog}, SQL text, the event aggregates needed) -> {@link
 * org.opendmp.jobs.segment.SegmentRules} (dependency order, cycles, one-line errors naming file, segment, column)
 * -> {@link org.opendmp.jobs.segment.CompiledSegments}. {@link org.opendmp.jobs.segment.KnownNames} is the one
 * place listing the traits, scores, profile attributes and event fields rules may use.
 *
 * <p>Night time, Spark: {@link org.opendmp.jobs.segment.SegmentFrames#eventAggregates} (one groupBy over the
 * daily event counts), {@link org.opendmp.jobs.segment.SegmentFrames#checkInput}, {@link
 * org.opendmp.jobs.segment.SegmentFrames#qualify}, {@link org.opendmp.jobs.segment.Membership#roll} (TTL,
 * entry dates, adds and drops, control groups).
 */
package org.opendmp.jobs.segment;
