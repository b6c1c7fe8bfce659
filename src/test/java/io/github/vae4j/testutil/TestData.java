package io.github.vae4j.testutil;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small synthetic data for unit tests. */
public final class TestData {
    private TestData() {
    }

    /** Binary data in {0, 1} with per-column probabilities, seeded. */
    public static INDArray binary(int n, int d, long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.rand(type, 1, d).muli(0.8).addi(0.1);
        INDArray u = Nd4j.rand(type, n, d);
        return u.lt(p.broadcast(n, d)).castTo(type);
    }

    /** Dense encoder or decoder blocks of the given widths, as config override values. */
    public static java.util.List<java.util.Map<String, Object>> dense(int... widths) {
        return java.util.Arrays.stream(widths).mapToObj(w -> java.util.Map.<String, Object>of("type", "dense", "width", w))
                .toList();
    }

    /** Values in (0, 1), seeded. */
    public static INDArray unit(int n, int d, long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, n, d);
    }
}
