package org.opendmp.jobs.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inline SVG charts for the static report: horizontal bars and lines, no script, no network, the same bytes for
 * the same data. Sizes are in CSS pixels; text is escaped.
 */
public final class Svg {
  /** Series colours, colour-blind safe (Okabe-Ito). */
  static final String[] COLOURS = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"};

  private static final int LABEL_WIDTH = 230;
  private static final int BAR_HEIGHT = 18;
  private static final int WIDTH = 720;

  private Svg() {}

  /** One bar of a bar chart: a label and one value per series. */
  public record Bar(String label, double... values) {}

  /**
   * Horizontal bars, one row per bar, one thin bar per series within a row, scaled to the largest value; the value
   * is written at the end of each bar. {@code series} names the values (a legend is drawn when there are two or
   * more).
   */
  public static String bars(List<Bar> bars, List<String> series) {
    double top = bars.stream().flatMapToDouble(b -> java.util.Arrays.stream(b.values())).max().orElse(0);
    int n = Math.max(1, series.size());
    int rowHeight = n == 1 ? BAR_HEIGHT + 6 : n * (BAR_HEIGHT / 2 + 2) + 8;
    int legend = n > 1 ? 22 : 0;
    int height = legend + bars.size() * rowHeight + 4;
    double span = WIDTH - LABEL_WIDTH - 90;
    StringBuilder s = open(WIDTH, height);
    legend(s, series, 0);
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = legend + i * rowHeight;
      s.append(text(LABEL_WIDTH - 8, y + rowHeight / 2 + 4, "end", b.label()));
      for (int k = 0; k < b.values().length; k++) {
        double v = b.values()[k];
        int h = n == 1 ? BAR_HEIGHT : BAR_HEIGHT / 2 + 1;
        int by = y + 3 + k * (h + 1);
        double w = top <= 0 ? 0 : Math.max(v > 0 ? 1 : 0, span * v / top);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", LABEL_WIDTH, by, w, h,
            COLOURS[k % COLOURS.length]));
        s.append(text((int) (LABEL_WIDTH + w + 4), by + h - 3, "start", number(v)).replace("<text ", "<text font-size=\"11\" "));
      }
    }
    return s.append("</svg>").toString();
  }

  /**
   * Lines over a categorical x axis (nights), one per series, y from 0 to the largest value (or to 1 when {@code
   * ratio}: values shown as percentages). A series value may be null: the line skips it.
   */
  public static String lines(List<String> x, Map<String, List<Double>> series, boolean ratio) {
    int height = 240 + 18 * ((series.size() + 3) / 4);
    int left = 60;
    int right = WIDTH - 20;
    int topY = 10;
    int bottom = 200;
    double top = ratio ? 1.0 : series.values().stream().flatMap(List::stream).filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
    top = top <= 0 ? 1 : top;
    StringBuilder s = open(WIDTH, height);
    for (int g = 0; g <= 4; g++) {
      double v = top * g / 4;
      int y = (int) Math.round(bottom - (bottom - topY) * g / 4.0);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", left, y, right, y));
      s.append(text(left - 6, y + 4, "end", ratio ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : number(v)));
    }
    double step = x.size() <= 1 ? 0 : (right - left) / (double) (x.size() - 1);
    for (int i = 0; i < x.size(); i++) {
      int px = (int) Math.round(x.size() == 1 ? (left + right) / 2.0 : left + i * step);
      if (x.size() <= 12 || i % Math.max(1, x.size() / 12) == 0) {
        s.append(text(px, bottom + 16, "middle", x.get(i)));
      }
    }
    int k = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      String colour = COLOURS[k++ % COLOURS.length];
      List<String> points = new ArrayList<>();
      for (int i = 0; i < e.getValue().size() && i < x.size(); i++) {
        Double v = e.getValue().get(i);
        if (v == null) {
          continue;
        }
        double px = x.size() == 1 ? (left + right) / 2.0 : left + i * step;
        double py = bottom - (bottom - topY) * v / top;
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %s</title></circle>", px, py,
            colour, escape(e.getKey()), escape(x.get(i)), ratio ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : number(v)));
      }
      if (points.size() > 1) {
        s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
            .append(String.join(" ", points)).append("\"/>");
      }
    }
    legend(s, new ArrayList<>(series.keySet()), bottom + 26);
    return s.append("</svg>").toString();
  }

  private static void legend(StringBuilder s, List<String> series, int y) {
    if (series.size() < 2 && y == 0) {
      return;
    }
    for (int i = 0; i < series.size(); i++) {
      int x = 10 + (i % 4) * 175;
      int row = y + (i / 4) * 18;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, row + 3, COLOURS[i % COLOURS.length]));
      s.append(text(x + 16, row + 13, "start", series.get(i)));
    }
  }

  private static StringBuilder open(int width, int height) {
    return new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">",
        width, height, width, height));
  }

  private static String text(int x, int y, String anchor, String value) {
    return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\">" + escape(value) + "</text>";
  }

  /** 1,234 or 12.5 or 0.123: integers with separators, other numbers with 3 significant decimals. */
  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.1f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  /** Text for HTML and SVG. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
