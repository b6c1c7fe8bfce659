package io.github.vae4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUROC against orderings whose value is known. */
class AurocTest {

    @Test
    void knownOrderings() {
        boolean[] pos = {true, true, false, false, false};
        assertEquals(1.0, Auroc.of(new double[] {9, 8, 1, 2, 3}, pos), 1e-12, "every positive above every negative");
        assertEquals(0.0, Auroc.of(new double[] {0, -1, 1, 2, 3}, pos), 1e-12, "every positive below");
        // positives 5 and 2 against negatives 1, 3, 4: pairs won 3 + 1 = 4 of 6
        assertEquals(4.0 / 6, Auroc.of(new double[] {5, 2, 1, 3, 4}, pos), 1e-12);
        assertEquals(0.5, Auroc.of(new double[] {7, 7, 7, 7, 7}, pos), 1e-12, "ties count one half");
        // one tie between a positive and a negative: 5 of 6 pairs won, the tied one half
        assertEquals(5.5 / 6, Auroc.of(new double[] {9, 3, 1, 3, 2}, pos), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1, 2}, new boolean[] {true, true}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1, Double.NaN},
                new boolean[] {true, false}), "NaN scores have no rank");
    }

    @Test
    void theCurveRunsFromNothingToEverythingFlaggedAndItsAreaIsTheAuroc() {
        java.util.Random rng = new java.util.Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + rng.nextInt(60);
            double[] scores = new double[n];
            boolean[] pos = new boolean[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rng.nextInt(8); // many ties
                pos[i] = i == 0 || (i != 1 && rng.nextDouble() < 0.3 + 0.05 * scores[i]);
            }
            double[][] c = Auroc.curve(scores, pos);
            assertEquals(0, c[0][0]);
            assertEquals(0, c[1][0]);
            assertEquals(1, c[0][c[0].length - 1], 1e-12);
            assertEquals(1, c[1][c[1].length - 1], 1e-12);
            double area = 0;
            for (int p = 1; p < c[0].length; p++) {
                assertTrue(c[0][p] >= c[0][p - 1] && c[1][p] >= c[1][p - 1], "monotone");
                area += (c[0][p] - c[0][p - 1]) * (c[1][p] + c[1][p - 1]) / 2;
            }
            assertEquals(Auroc.of(scores, pos), area, 1e-12, "trapezoidal area, ties as diagonal steps");
        }
        double[][] perfect = Auroc.curve(new double[] {9, 8, 1, 2}, new boolean[] {true, true, false, false});
        assertEquals(1.0, perfect[1][2], 1e-12, "both positives flagged before any negative");
        assertEquals(0.0, perfect[0][2], 1e-12);
    }
}
