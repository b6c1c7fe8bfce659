package io.github.vae4j.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** 2-D points coloured by class label, one series (and legend entry) per label, rendered to PNG with XChart. */
public final class ScatterPlot {

    /** The ten colours of matplotlib's "tab10" palette, told apart by most readers (then they repeat). */
    private static final java.awt.Color[] TAB10 = java.util.stream.IntStream.of(0x1f77b4, 0xff7f0e, 0x2ca02c,
            0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf).mapToObj(java.awt.Color::new)
            .toArray(java.awt.Color[]::new);

    private ScatterPlot() {
    }

    /**
     * @param points [n][2]
     * @param labels the class of each point, or null (one series)
     */
    public static void write(double[][] points, int[] labels, String title, Path file) throws IOException {
        ImageGrid.writeAtomically(image(points, labels, title), file);
    }

    /** The plot {@link #write} writes, as an image (a notebook shows it with {@code display(...)}). */
    public static java.awt.image.BufferedImage image(double[][] points, int[] labels, String title) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(700).title(title).xAxisTitle("1").yAxisTitle("2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setSeriesColors(TAB10);
        TreeMap<Integer, List<double[]>> byLabel = new TreeMap<>();
        for (int i = 0; i < points.length; i++) {
            byLabel.computeIfAbsent(labels == null ? -1 : labels[i], k -> new ArrayList<>()).add(points[i]);
        }
        for (var e : byLabel.entrySet()) {
            List<double[]> ps = e.getValue();
            double[] xs = ps.stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = ps.stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(e.getKey() < 0 ? "all" : String.valueOf(e.getKey()), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
