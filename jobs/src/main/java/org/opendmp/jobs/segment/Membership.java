package org.opendmp.jobs.segment;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/**
 * Segment membership from one night to the next: TTL, entry dates, adds and drops, control groups. Pure
 * transforms, no IO, no actions.
 */
public final class Membership {
  /** 2^32: control draws are the first 32 bits of a SHA-256, as a fraction. */
  private static final double TWO_32 = 4294967296.0;

  private Membership() {}

  /**
   * Tonight's membership from tonight's qualification and the previous night's membership.
   *
   * <p>Inputs: {@code qualified} (person_id, segment_id, qualifies BOOLEAN; rows where qualifies is not true
   * count as not qualifying, as do absent rows; grain person_id x segment_id), {@code previous} (person_id,
   * segment_id, entered_on DATE, last_qualified DATE: the members of the latest night before {@code runDate};
   * other columns are ignored). A person is a member tonight when the rule holds tonight or held within the
   * segment's TTL: {@code runDate - last_qualified <= ttl_days}. Segments absent from {@code segments} keep no
   * members.
   *
   * <p>Output: person_id, segment_id, entered_on DATE (tonight for a new member, kept while membership
   * continues), last_qualified DATE, is_control BOOLEAN ({@link #controlDraw} below the segment's
   * control_share), change STRING: {@code add} (member tonight, not before), {@code stay} (both), {@code drop}
   * (member before, not tonight: its row keeps the previous dates). Grain: person_id x segment_id, members of
   * either night. gold.segment_membership is the rows whose change is not drop.
   */
  public static Dataset<Row> roll(Dataset<Row> qualified, Dataset<Row> previous, List<Segment> segments, LocalDate runDate) {
    Dataset<Row> q =
        qualified.where(col("qualifies").equalTo(true))
            .select(col("person_id").as("q_person"), col("segment_id").as("q_segment"))
            .distinct();
    Dataset<Row> p =
        previous.select(
            col("person_id").as("p_person"), col("segment_id").as("p_segment"), col("entered_on").as("p_entered"),
            col("last_qualified").as("p_last"));
    Dataset<Row> j =
        q.join(p, col("q_person").equalTo(col("p_person")).and(col("q_segment").equalTo(col("p_segment"))), "full_outer")
            .select(
                coalesce(col("q_person"), col("p_person")).as("person_id"),
                coalesce(col("q_segment"), col("p_segment")).as("segment_id"),
                col("q_person").isNotNull().as("qualifies"),
                col("p_person").isNotNull().as("was_member"),
                col("p_entered"),
                col("p_last"));
    Column d = lit(runDate);
    Column ttl = perSegment(segments, s -> lit(s.ttlDays()));
    Column share = perSegment(segments, s -> lit(s.controlShare()));
    Column lastQualified = when(col("qualifies"), d).otherwise(col("p_last"));
    Column member =
        col("qualifies").or(coalesce(datediff(d, lastQualified).leq(ttl), lit(false)));
    Column change =
        when(member.and(col("was_member")), lit("stay"))
            .when(member, lit("add"))
            .when(col("was_member"), lit("drop"));
    return j.select(
            col("person_id"),
            col("segment_id"),
            when(member.and(col("was_member").equalTo(false)), d).otherwise(col("p_entered")).as("entered_on"),
            lastQualified.as("last_qualified"),
            coalesce(controlDraw(col("segment_id"), col("person_id")).lt(share), lit(false)).as("is_control"),
            change.as("change"))
        .where(col("change").isNotNull());
  }

  /**
   * The control draw of a person in a segment, in [0, 1): the first 32 bits of SHA-256("segment_id:person_id")
   * as a fraction. The same pair always draws the same number, on any night and any engine; draws of one person
   * in two segments are independent.
   */
  public static Column controlDraw(Column segmentId, Column personId) {
    return conv(substring(sha2(concat_ws(":", segmentId, personId), 256), 1, 8), 16, 10).cast("double").divide(TWO_32);
  }

  /** {@link #controlDraw(Column, Column)} in plain Java, for checks outside Spark. */
  public static double controlDraw(String segmentId, String personId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((segmentId + ":" + personId).getBytes(StandardCharsets.UTF_8));
      long bits = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
      return bits / TWO_32;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A value per segment_id (null for an unknown segment). */
  private static Column perSegment(List<Segment> segments, Function<Segment, Column> value) {
    Column out = null;
    for (Segment s : segments) {
      Column cond = col("segment_id").equalTo(s.id());
      out = out == null ? when(cond, value.apply(s)) : out.when(cond, value.apply(s));
    }
    return out == null ? lit(null) : out;
  }
}
