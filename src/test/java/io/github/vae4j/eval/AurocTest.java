package io.github.vae4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
