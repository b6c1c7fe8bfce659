package io.github.vae4j.util;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SeedsTest {

    /** ND4J seeds a generator created with seed 0 from the clock; Seeds must not. */
    @Test
    void equalSeedsGiveEqualDrawsIncludingZero() {
        for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE}) {
            var a = Nd4j.randn(Nd4j.create(DataType.FLOAT, 1, 8), Seeds.generator(seed));
            var b = Nd4j.randn(Nd4j.create(DataType.FLOAT, 1, 8), Seeds.generator(seed));
            assertEquals(a, b, "seed " + seed);
        }
        assertNotEquals(Nd4j.randn(Nd4j.create(DataType.FLOAT, 1, 8), Seeds.generator(0)),
                Nd4j.randn(Nd4j.create(DataType.FLOAT, 1, 8), Seeds.generator(1)));
        for (long seed = -1000; seed < 1000; seed++) {
            assertNotEquals(0L, Seeds.mix(seed));
        }
    }
}
