package io.github.vae4j.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The charts the notebooks and reports show beside {@link LossPlot} and {@link ScatterPlot}, drawn with XChart: a
 * histogram of two groups of scores, an ROC curve, and one bar per latent dimension.
 */
public final class Charts {

    private Charts() {
    }

    /**
     * The density of the finite {@code values} in each of {@code bins} bins of {@code width} from {@code lo} (a value at
     * the upper end falls in the last bin): count / (finite values · width), all 0 when no value is finite.
     */
    static double[] densities(double[] values, double lo, double width, int bins) {
        double[] counts = new double[bins];
        long finite = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(bins - 1, (int) ((v - lo) / width))]++;
                finite++;
            }
        }
        for (int b = 0; b < bins; b++) {
            counts[b] = finite == 0 ? 0 : counts[b] / (finite * width);
        }
        return counts;
    }

    /**
     * Overlaid histograms (as density step lines, so groups of different sizes compare) of {@code groups}, with
     * {@code bins} equal bins over the range of all values.
     *
     * @param names one per group, for the legend
     */
    public static BufferedImage histogram(String title, String xLabel, List<String> names, List<double[]> groups, int bins) {
        if (names.size() != groups.size() || bins < 1) {
            throw new IllegalArgumentException(names.size() + " names for " + groups.size() + " groups, bins " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] g : groups) {
            for (double v : g) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = 0; // no finite value at all: empty bins on [0, 1]
            hi = 1;
        } else if (!(hi > lo)) {
            hi = lo + 1;
        }
        double width = (hi - lo) / bins;
        XYChart chart = xy(title, xLabel, "density", 800, 450);
        for (int g = 0; g < groups.size(); g++) {
            double[] densities = densities(groups.get(g), lo, width, bins);
            // a step line through the bin edges: (edge_b, density_b), (edge_b+1, density_b)
            double[] xs = new double[2 * bins];
            double[] ys = new double[2 * bins];
            for (int b = 0; b < bins; b++) {
                double density = densities[b];
                xs[2 * b] = lo + b * width;
                xs[2 * b + 1] = lo + (b + 1) * width;
                ys[2 * b] = density;
                ys[2 * b + 1] = density;
            }
            long finite = java.util.Arrays.stream(groups.get(g)).filter(Double::isFinite).count();
            chart.addSeries(names.get(g) + " (" + finite + ")", xs, ys).setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * ROC curves, one per score, with their AUROC in the legend; {@code curves.get(i)} is
     * {@code eval.Auroc.curve(...)}: false-positive rates [0], true-positive rates [1].
     */
    public static BufferedImage roc(String title, List<String> names, List<double[][]> curves, List<Double> aurocs) {
        if (names.size() != curves.size() || aurocs.size() != curves.size()) {
            throw new IllegalArgumentException(names.size() + " names and " + aurocs.size() + " AUROCs for "
                    + curves.size() + " curves");
        }
        XYChart chart = xy(title, "false positive rate", "true positive rate", 600, 560);
        for (int i = 0; i < curves.size(); i++) {
            chart.addSeries(String.format(Locale.ROOT, "%s (AUROC %.3f)", names.get(i), aurocs.get(i)),
                    curves.get(i)[0], curves.get(i)[1]).setMarker(SeriesMarkers.NONE);
        }
        chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE)
                .setLineColor(Color.LIGHT_GRAY);
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** One bar per latent dimension (1-based on the axis), e.g. the mean KL of each. */
    public static BufferedImage perDimension(String title, String yLabel, double[] values) {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(800).height(400).title(title)
                .xAxisTitle("latent dimension").yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        List<Integer> dims = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            dims.add(j + 1);
            vs.add(values[j]);
        }
        chart.addSeries(yLabel, dims, vs);
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static XYChart xy(String title, String xLabel, String yLabel, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#,##0.##").setYAxisDecimalPattern("#,##0.###");
        return chart;
    }
}
