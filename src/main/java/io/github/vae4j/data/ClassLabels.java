package io.github.vae4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Class labels as the one-hot rows a conditional VAE takes as its input y. */
public final class ClassLabels {

    private ClassLabels() {
    }

    /**
     * The one-hot rows [labels.length, classes] of {@code labels}, in the given type and memory order; a label outside
     * [0, classes) is an error naming it and its row.
     */
    public static INDArray oneHot(int[] labels, int classes, DataType type, char order) {
        return oneHotInto(labels, Nd4j.create(type, new long[] {labels.length, classes}, order));
    }

    /** Writes the one-hot rows of {@code labels} into y [labels.length, classes] (zeroed first) and returns y. */
    public static INDArray oneHotInto(int[] labels, INDArray y) {
        long classes = y.size(1);
        y.assign(0);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " (row " + i + ") is outside the model's "
                        + classes + " classes [0, " + (classes - 1) + "]");
            }
            y.putScalar(i, labels[i], 1.0);
        }
        return y;
    }
}
