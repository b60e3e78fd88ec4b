package org.opendmp.jobs.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One simulated date and the time formats the feeds use. Times are seconds of the day in UTC; formatting is
 * done by hand because it runs for every line at the 1M-people scale.
 */
final class Day {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  final int index;
  final LocalDate date;
  /** yyyy-MM-dd, also the partition value dt=. */
  final String iso;
  /** yyyyMMdd, for file names and ids. */
  final String compact;
  final boolean fullExtract;
  private final String logDate;

  Day(int index, LocalDate date) {
    this.index = index;
    this.date = date;
    this.iso = date.toString();
    this.compact = iso.replace("-", "");
    this.fullExtract = index == 0 || date.getDayOfWeek() == DayOfWeek.MONDAY;
    this.logDate = iso.substring(8, 10) + "/" + MONTHS[date.getMonthValue() - 1] + "/" + iso.substring(0, 4);
  }

  long epochSecond(int sec) {
    return date.toEpochSecond(java.time.LocalTime.MIDNIGHT, ZoneOffset.UTC) + sec;
  }

  /** 2026-11-01T10:00:00Z */
  String isoTime(int sec) {
    return hms(new StringBuilder(20).append(iso).append('T'), sec).append('Z').toString();
  }

  /** 2026-11-01T10:00:00.123Z */
  String isoMillis(int sec, int millis) {
    StringBuilder b = hms(new StringBuilder(24).append(iso).append('T'), sec).append('.');
    return pad3(b, millis).append('Z').toString();
  }

  /** [01/Nov/2026:10:00:00 +0000] without the brackets. */
  String logTime(int sec) {
    return hms(new StringBuilder(26).append(logDate).append(':'), sec).append(" +0000").toString();
  }

  /** 2026-11-01 10:00:00 */
  String sqlTime(int sec) {
    return hms(new StringBuilder(19).append(iso).append(' '), sec).toString();
  }

  private static StringBuilder hms(StringBuilder b, int sec) {
    int s = Math.max(0, Math.min(86_399, sec));
    pad2(b, s / 3600).append(':');
    pad2(b, s / 60 % 60).append(':');
    return pad2(b, s % 60);
  }

  private static StringBuilder pad2(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static StringBuilder pad3(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 100)).append((char) ('0' + v / 10 % 10)).append((char) ('0' + v % 10));
  }
}
