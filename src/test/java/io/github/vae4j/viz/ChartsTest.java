package io.github.vae4j.viz;

import io.github.vae4j.eval.Auroc;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The charts render at their sizes and draw something besides the background. */
class ChartsTest {

    @Test
    void histogramRocAndPerDimensionBarsRender() {
        double[] a = {1, 2, 2, 3, 3, 3, 4};
        double[] b = {3, 4, 5, 5, 6, Double.NaN};
        BufferedImage h = Charts.histogram("scores", "score", List.of("normal", "anomalous"), List.of(a, b), 10);
        assertEquals(800, h.getWidth());
        // two step lines across the plot: the legend's two short swatches alone are under 100 pixels
        assertTrue(saturated(h) > 1000, "the series' lines: " + saturated(h) + " coloured pixels");
        boolean[] pos = {false, false, false, true, true, true};
        double[] s = {1, 2, 4, 3, 5, 6};
        BufferedImage r = Charts.roc("roc", List.of("s"), List.<double[][]>of(Auroc.curve(s, pos)), List.of(Auroc.of(s, pos)));
        assertEquals(600, r.getWidth());
        assertTrue(saturated(r) > 500, "the curves: " + saturated(r));
        BufferedImage k = Charts.perDimension("kl", "KL (nats)", new double[] {0.1, 2, 5, 0});
        assertEquals(400, k.getHeight());
        BufferedImage flat = Charts.perDimension("kl", "KL (nats)", new double[] {0, 0, 0, 0});
        assertTrue(saturated(k) > saturated(flat) + 1000, "the bars: " + saturated(k) + " against " + saturated(flat));
        assertThrows(IllegalArgumentException.class,
                () -> Charts.histogram("x", "x", List.of("one"), List.of(a, b), 10), "a name per group");
    }

    /** The histogram's densities integrate to 1 over the finite values, and the largest value is in the last bin. */
    @Test
    void histogramDensitiesIntegrateToOne() {
        double[] values = {1, 2, 2, 3, 3, 3, 4, Double.NaN, Double.POSITIVE_INFINITY};
        double[] d = Charts.densities(values, 1, 0.75, 4);
        // bins [1, 1.75) [1.75, 2.5) [2.5, 3.25) [3.25, 4]: 1, 2, 3 and 1 of the 7 finite values
        assertArrayEquals(new double[] {1 / 5.25, 2 / 5.25, 3 / 5.25, 1 / 5.25}, d, 1e-12);
        double area = 0;
        for (double v : d) {
            area += v * 0.75;
        }
        assertEquals(1.0, area, 1e-12);
        assertArrayEquals(new double[] {0, 0}, Charts.densities(new double[] {Double.NaN}, 0, 1, 2), 0.0);
    }

    /** Pixels in colour (not white, grey or black: title, axes, grid and labels are those). */
    private static long saturated(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    n++;
                }
            }
        }
        return n;
    }
}
