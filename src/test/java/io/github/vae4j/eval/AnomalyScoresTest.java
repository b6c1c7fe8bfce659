package io.github.vae4j.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The latent nearest-neighbour score against distances worked out by hand and by brute force. */
class AnomalyScoresTest {

    @Test
    void nearestNeighbourDistancesOfKnownPoints() {
        double[][] reference = {{0, 0}, {1, 0}, {0, 2}};
        assertArrayEquals(new double[] {0.5, 2.5}, AnomalyScores.nearestNeighbourDistances(
                new double[][] {{0, 0}, {2, 0}}, reference, 2, false), 1e-12, "(0 + 1)/2 and (1 + 4)/2");
        assertArrayEquals(new double[] {4}, AnomalyScores.nearestNeighbourDistances(new double[][] {{3, 0}}, reference,
                1, false), 1e-12);
        // cosine: (3, 0) is at angle 0 to (1, 0), 90° to (0, 2); (0, 0) is at distance 1 from everything
        assertArrayEquals(new double[] {0.5, 1, 1 - Math.sqrt(0.5)}, AnomalyScores.nearestNeighbourDistances(
                new double[][] {{3, 0}, {0, 0}, {1, 1}}, reference, 2, true), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> AnomalyScores.nearestNeighbourDistances(new double[][] {{0, 0}}, reference, 4, false));
    }

    @Test
    void nearestNeighbourDistancesMatchBruteForceAcrossBlocks() {
        Random rng = new Random(3);
        double[][] reference = new double[400][5];
        double[][] queries = new double[300][5];
        for (double[][] m : new double[][][] {reference, queries}) {
            for (double[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rng.nextGaussian();
                }
            }
        }
        double[] fast = AnomalyScores.nearestNeighbourDistances(queries, reference, 7, false);
        double[] fastCosine = AnomalyScores.nearestNeighbourDistances(queries, reference, 7, true);
        for (int i = 0; i < queries.length; i++) {
            double[] d = new double[reference.length];
            double[] c = new double[reference.length];
            for (int r = 0; r < reference.length; r++) {
                double dot = 0;
                double qq = 0;
                double rr = 0;
                for (int j = 0; j < 5; j++) {
                    d[r] += (queries[i][j] - reference[r][j]) * (queries[i][j] - reference[r][j]);
                    dot += queries[i][j] * reference[r][j];
                    qq += queries[i][j] * queries[i][j];
                    rr += reference[r][j] * reference[r][j];
                }
                c[r] = 1 - dot / Math.sqrt(qq * rr);
            }
            Arrays.sort(d);
            Arrays.sort(c);
            assertEquals(Arrays.stream(d, 0, 7).average().orElseThrow(), fast[i], 1e-9, "query " + i);
            assertEquals(Arrays.stream(c, 0, 7).average().orElseThrow(), fastCosine[i], 1e-9, "cosine, query " + i);
        }
    }
}
