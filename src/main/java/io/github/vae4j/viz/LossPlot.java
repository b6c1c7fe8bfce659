package io.github.vae4j.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Train and test loss curves (negative ELBO, nats per example) against epochs, rendered to PNG with XChart. */
public final class LossPlot {

    private LossPlot() {
    }

    public static void write(List<Integer> epochs, List<Double> train, List<Double> test, Path file) throws IOException {
        ImageGrid.writeAtomically(image(epochs, train, test), file);
    }

    /** The chart {@link #write} writes, as an image (a notebook shows it with {@code display(...)}). */
    public static java.awt.image.BufferedImage image(List<Integer> epochs, List<Double> train, List<Double> test) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title("vae4j training")
                .xAxisTitle("epoch").yAxisTitle("negative ELBO (nats / example)").build();
        chart.addSeries("train", epochs, train);
        chart.addSeries("test", epochs, test);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
