package io.github.vae4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Validation of data matrices handed to a model, with one-line messages that name the problem and the value. */
public final class Inputs {

    private Inputs() {
    }

    /**
     * Checks that {@code x} is [n, width] and finite (one reduction pass).
     *
     * @param name how the message calls the array ("x", "z", "test data")
     * @return x
     */
    public static INDArray checkMatrix(INDArray x, long width, String name) {
        if (x == null || x.rank() != 2 || x.size(1) != width) {
            throw new IllegalArgumentException(name + " must have shape [n, " + width + "], got "
                    + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        double sum = x.sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values (sum = " + sum + ")");
        }
        return x;
    }
}
