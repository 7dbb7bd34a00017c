package dev.stockroom.loadtest.chaos;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run's timeline as a PNG: every request's latency by endpoint (log scale) above, failed
 * requests per second below, each fault window shaded and labelled.
 */
final class ChaosPlot {
  private static final String[] ENDPOINTS = {
    "PATCH /users", "GET /items/low-stock", "POST /orders"
  };

  private static final Color[] COLORS = {
    new Color(214, 39, 40), new Color(31, 119, 180), new Color(44, 160, 44)
  };

  private ChaosPlot() {}

  static void write(History h, Path file) {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection latency = new XYSeriesCollection();
    XYSeriesCollection errors = new XYSeriesCollection();
    int seconds = (int) Math.ceil(h.lengthMs / 1000) + 1;
    XYSeries[] failed = new XYSeries[3];
    double[][] perSecond = new double[3][seconds];
    for (int e = 0; e < 3; e++) {
      latency.addSeries(new XYSeries(ENDPOINTS[e], false, true));
      failed[e] = new XYSeries(ENDPOINTS[e] + " failed", false, true);
      errors.addSeries(failed[e]);
    }
    h.writes.forEach(w -> add(latency, perSecond, 0, w.sentMs(), w.answeredMs(), w.status()));
    h.reads.forEach(r -> add(latency, perSecond, 1, r.sentMs(), r.answeredMs(), r.status()));
    h.orderAttempts.forEach(
        a -> add(latency, perSecond, 2, a.sentMs(), a.answeredMs(), a.status()));
    for (int e = 0; e < 3; e++) {
      for (int s = 0; s < seconds; s++) {
        failed[e].add(s, perSecond[e][s]);
      }
    }
    LogAxis ms = new LogAxis("latency (ms)");
    ms.setSmallestValue(0.5);
    ms.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten, labelled in ms
    ms.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    XYStepRenderer steps = new XYStepRenderer();
    for (int e = 0; e < 3; e++) {
      dots.setSeriesShape(e, new Ellipse2D.Double(-1, -1, 2, 2));
      dots.setSeriesPaint(e, COLORS[e]);
      steps.setSeriesPaint(e, COLORS[e]);
      steps.setSeriesStroke(e, new BasicStroke(1.5f));
    }
    XYPlot top = new XYPlot(latency, null, ms, dots);
    XYPlot bottom = new XYPlot(errors, null, new NumberAxis("failed requests / s"), steps);
    CombinedDomainXYPlot plot =
        new CombinedDomainXYPlot(new NumberAxis("seconds since the load started"));
    plot.add(top, 3);
    plot.add(bottom, 1);
    for (History.Fault f : h.faults) {
      shade(top, f, true);
      shade(bottom, f, false);
    }
    JFreeChart chart =
        new JFreeChart(
            "Latency and failures under faults (" + h.settings.instances() + " instances each)",
            new Font("SansSerif", Font.BOLD, 14),
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ChartUtils.saveChartAsPNG(file.toFile(), chart, 1600, 900);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void add(
      XYSeriesCollection latency,
      double[][] perSecond,
      int endpoint,
      double sentMs,
      double answeredMs,
      int status) {
    if (status == 0 || status >= 500) {
      int s = (int) (sentMs / 1000);
      if (s < perSecond[endpoint].length) {
        perSecond[endpoint][s]++;
      }
    }
    latency.getSeries(endpoint).add(sentMs / 1000, Math.max(0.5, answeredMs - sentMs), false);
  }

  private static void shade(XYPlot plot, History.Fault f, boolean label) {
    IntervalMarker m =
        new IntervalMarker(f.startMs() / 1000, f.endMs() / 1000, new Color(255, 140, 0, 50));
    if (label) {
      m.setLabel(f.kind());
      m.setLabelFont(new Font("SansSerif", Font.PLAIN, 10));
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    }
    plot.addDomainMarker(m, Layer.BACKGROUND);
  }
}
