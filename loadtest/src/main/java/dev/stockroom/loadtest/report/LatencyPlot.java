package dev.stockroom.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the report's PNG with java.awt (headless): latency-by-percentile panels (x in "nines", y in
 * log milliseconds) and timeline panels (p99 per second, failures marked, fault windows shaded). No
 * plotting library needed.
 */
public final class LatencyPlot {
  /** A named line of (x, y) points. */
  public record Series(String name, List<double[]> points) {}

  /** One panel: a percentile chart or a timeline. */
  public record Panel(
      String title,
      boolean timeline,
      List<Series> series,
      List<double[]> shaded,
      List<double[]> failures,
      Double targetMs) {}

  private static final Color[] COLORS = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };
  private static final int PANEL_W = 640;
  private static final int PANEL_H = 420;

  private LatencyPlot() {}

  public static void write(Path file, List<Panel> panels) {
    System.setProperty("java.awt.headless", "true");
    int cols = 2;
    int rows = Math.max(1, (panels.size() + 1) / 2);
    BufferedImage img =
        new BufferedImage(cols * PANEL_W, rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      Graphics2D pg =
          (Graphics2D) g.create((i % cols) * PANEL_W, (i / cols) * PANEL_H, PANEL_W, PANEL_H);
      draw(pg, panels.get(i));
      pg.dispose();
    }
    g.dispose();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** x of a percentile on the "nines" axis: 0 → 0, 90 → 1, 99 → 2, 99.9 → 3. */
  public static double nines(double percentile) {
    return -Math.log10(Math.max(1e-6, 1 - percentile / 100.0));
  }

  private static void draw(Graphics2D g, Panel p) {
    int left = 70;
    int right = 20;
    int top = 40;
    int bottom = 60;
    int w = PANEL_W - left - right;
    int h = PANEL_H - top - bottom;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(p.title(), left, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

    double xMax = 0;
    double yMin = Double.MAX_VALUE;
    double yMax = 0;
    for (Series s : p.series()) {
      for (double[] pt : s.points()) {
        double x = p.timeline() ? pt[0] : nines(pt[0]);
        xMax = Math.max(xMax, x);
        if (pt[1] > 0) {
          yMin = Math.min(yMin, pt[1]);
          yMax = Math.max(yMax, pt[1]);
        }
      }
    }
    if (p.targetMs() != null) {
      yMax = Math.max(yMax, p.targetMs());
      yMin = Math.min(yMin, p.targetMs());
    }
    if (yMax == 0) {
      g.drawString("no data", left + w / 2 - 20, top + h / 2);
      return;
    }
    if (!p.timeline()) {
      xMax = Math.max(xMax, 3);
    }
    double lo = Math.pow(10, Math.floor(Math.log10(Math.max(yMin, 0.1))));
    double hi = Math.pow(10, Math.ceil(Math.log10(yMax * 1.05)));
    if (hi <= lo) {
      hi = lo * 10;
    }
    final double fxMax = xMax;
    final double flo = lo;
    final double fhi = hi;
    java.util.function.DoubleUnaryOperator px = x -> left + w * x / fxMax;
    java.util.function.DoubleUnaryOperator py =
        y ->
            top
                + h
                - h
                    * (Math.log10(Math.max(y, flo)) - Math.log10(flo))
                    / (Math.log10(fhi) - Math.log10(flo));

    // shaded windows (timelines)
    g.setColor(new Color(255, 235, 205));
    for (double[] s : p.shaded()) {
      int x0 = (int) px.applyAsDouble(s[0]);
      int x1 = (int) px.applyAsDouble(Math.min(s[1], xMax));
      g.fillRect(x0, top, Math.max(1, x1 - x0), h);
    }
    // grid and y labels
    g.setStroke(new BasicStroke(1));
    for (double y = lo; y <= hi * 1.0001; y *= 10) {
      int yy = (int) py.applyAsDouble(y);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(left, yy, left + w, yy);
      g.setColor(Color.DARK_GRAY);
      g.drawString(fmt(y) + " ms", 8, yy + 4);
    }
    // x labels
    if (p.timeline()) {
      double step = xMax > 120 ? 30 : xMax > 40 ? 10 : 5;
      for (double x = 0; x <= xMax; x += step) {
        int xx = (int) px.applyAsDouble(x);
        g.setColor(new Color(235, 235, 235));
        g.drawLine(xx, top, xx, top + h);
        g.setColor(Color.DARK_GRAY);
        g.drawString(fmt(x) + " s", xx - 10, top + h + 16);
      }
    } else {
      String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%"};
      for (int k = 0; k <= (int) Math.ceil(xMax) && k < labels.length; k++) {
        int xx = (int) px.applyAsDouble(k);
        g.setColor(new Color(235, 235, 235));
        g.drawLine(xx, top, xx, top + h);
        g.setColor(Color.DARK_GRAY);
        g.drawString(labels[k], Math.min(xx - 12, left + w - 40), top + h + 16);
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, w, h);
    g.drawString(
        p.timeline() ? "seconds since the measured load started" : "percentile",
        left + w / 2 - 80,
        top + h + 34);
    // target
    if (p.targetMs() != null) {
      int yy = (int) py.applyAsDouble(p.targetMs());
      g.setColor(Color.RED);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      g.drawLine(left, yy, left + w, yy);
      g.drawString("target " + fmt(p.targetMs()) + " ms", left + w - 110, yy - 4);
    }
    // series
    List<String> legend = new ArrayList<>();
    for (int i = 0; i < p.series().size(); i++) {
      Series s = p.series().get(i);
      g.setColor(COLORS[i % COLORS.length]);
      g.setStroke(new BasicStroke(2f));
      int[] last = null;
      for (double[] pt : s.points()) {
        double x = p.timeline() ? pt[0] : nines(pt[0]);
        int[] cur = {(int) px.applyAsDouble(x), (int) py.applyAsDouble(pt[1])};
        if (last != null) {
          g.drawLine(last[0], last[1], cur[0], cur[1]);
        }
        g.fillOval(cur[0] - 2, cur[1] - 2, 4, 4);
        last = cur;
      }
      legend.add(s.name());
    }
    // failures (timelines): red ticks at the top
    g.setColor(Color.RED);
    for (double[] f : p.failures()) {
      int xx = (int) px.applyAsDouble(f[0]);
      g.fillRect(xx - 1, top + 2, 3, 8);
    }
    // legend
    int ly = top + 14;
    for (int i = 0; i < legend.size(); i++) {
      g.setColor(COLORS[i % COLORS.length]);
      g.fillRect(left + 10, ly - 8, 12, 8);
      g.setColor(Color.BLACK);
      g.drawString(legend.get(i), left + 28, ly);
      ly += 15;
    }
    if (!p.failures().isEmpty()) {
      g.setColor(Color.RED);
      g.drawString("red ticks: seconds with failed requests", left + 10, ly);
    }
  }

  private static String fmt(double v) {
    if (v >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.2f", v);
  }
}
