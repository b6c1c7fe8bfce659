package io.github.vae4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A minibatch for a conditional VAE: features = labels = x (the autoencoder's input and target), plus the one-hot
 * class labels y [n, classes] the network takes as its second input. A {@link DataSet}, so that DataSet iterators,
 * their prefetching and pre-processors (which replace x) carry it unchanged.
 */
public class ConditionedBatch extends DataSet {

    private final INDArray condition;

    public ConditionedBatch(INDArray x, INDArray condition) {
        super(x, x);
        if (condition.rank() != 2 || condition.size(0) != x.size(0)) {
            throw new IllegalArgumentException("the one-hot labels must have one row per example, got "
                    + java.util.Arrays.toString(condition.shape()) + " for " + x.size(0) + " examples");
        }
        this.condition = condition;
    }

    /** The one-hot class labels y, [n, classes]. */
    public INDArray condition() {
        return condition;
    }
}
