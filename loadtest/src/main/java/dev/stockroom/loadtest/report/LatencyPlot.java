package dev.stockroom.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The latency PNG next to BENCHMARKS.md, drawn by JFreeChart: panels two to a row, percentile
 * curves on a "nines" axis (50%, 90%, 99%, 99.9%) or timelines with the fault's window shaded and
 * seconds with failures marked, latency on a log scale, the target as a dashed line.
 */
public final class LatencyPlot {
  /** A named line of (x, y) points: (percentile, ms) or (second, ms). */
  public record Series(String name, List<double[]> points) {}

  /** One panel: a percentile chart or a timeline. */
  public record Panel(
      String title,
      boolean timeline,
      List<Series> series,
      List<double[]> shaded,
      List<double[]> failures,
      Double targetMs) {}

  private static final int PANEL_W = 640;
  private static final int PANEL_H = 420;

  private LatencyPlot() {}

  public static void write(Path file, List<Panel> panels) {
    System.setProperty("java.awt.headless", "true");
    int rows = Math.max(1, (panels.size() + 1) / 2);
    BufferedImage img = new BufferedImage(2 * PANEL_W, rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      chart(panels.get(i))
          .draw(g, new Rectangle2D.Double((i % 2) * PANEL_W, (i / 2) * PANEL_H, PANEL_W, PANEL_H));
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

  private static JFreeChart chart(Panel p) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : p.series()) {
      XYSeries series = new XYSeries(s.name(), false, true);
      for (double[] pt : s.points()) {
        if (pt[1] > 0) {
          series.add(p.timeline() ? pt[0] : nines(pt[0]), pt[1], false);
        }
      }
      data.addSeries(series);
    }
    NumberAxis x = new NumberAxis(p.timeline() ? "seconds" : "percentile");
    if (!p.timeline()) {
      x.setRange(0, 3.2);
      x.setTickUnit(new NumberTickUnit(1));
      x.setNumberFormatOverride(new PercentileFormat());
    }
    LogAxis y = new LogAxis("latency (ms)");
    y.setSmallestValue(0.1);
    y.setTickUnit(new NumberTickUnit(1));
    y.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    XYPlot plot = new XYPlot(data, x, y, lines);
    for (int i = 0; i < p.series().size(); i++) {
      lines.setSeriesStroke(i, new BasicStroke(1.8f));
    }
    for (double[] window : p.shaded()) {
      plot.addDomainMarker(
          new IntervalMarker(window[0], window[1], new Color(255, 140, 0, 60)), Layer.BACKGROUND);
    }
    for (double[] failure : p.failures()) {
      plot.addDomainMarker(new ValueMarker(failure[0], new Color(214, 39, 40, 120), thin()));
    }
    if (p.targetMs() != null) {
      ValueMarker target =
          new ValueMarker(
              p.targetMs(),
              Color.DARK_GRAY,
              new BasicStroke(
                  1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
      target.setLabel("target " + new DecimalFormat("#,##0.#").format(p.targetMs()) + " ms");
      target.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      target.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
      plot.addRangeMarker(target);
    }
    // The target line shows even when every measurement is far below it.
    double lo = p.targetMs() == null ? Double.MAX_VALUE : p.targetMs();
    double hi = p.targetMs() == null ? 0 : p.targetMs();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      for (int k = 0; k < data.getItemCount(i); k++) {
        lo = Math.min(lo, data.getYValue(i, k));
        hi = Math.max(hi, data.getYValue(i, k));
      }
    }
    if (hi > 0) {
      y.setRange(Math.max(0.1, lo / 1.5), hi * 1.5);
    }
    JFreeChart chart = new JFreeChart(p.title(), new Font("SansSerif", Font.BOLD, 13), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static BasicStroke thin() {
    return new BasicStroke(1f);
  }

  /** Labels the nines axis: 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9%. */
  private static final class PercentileFormat extends NumberFormat {
    @Override
    public StringBuffer format(double nines, StringBuffer to, FieldPosition pos) {
      double percentile = 100 * (1 - Math.pow(10, -nines));
      return to.append(new DecimalFormat("0.###").format(percentile)).append('%');
    }

    @Override
    public StringBuffer format(long nines, StringBuffer to, FieldPosition pos) {
      return format((double) nines, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException();
    }
  }
}
