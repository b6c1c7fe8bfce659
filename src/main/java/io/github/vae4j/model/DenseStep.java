package io.github.vae4j.model;

import io.github.vae4j.nn.Affine;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One fully connected step out = activation(in · W + b), as plain arrays: how evaluation code runs a decoder without
 * going through a DL4J layer (no per-call validation, no allocation when the output is preallocated).
 *
 * @param weights    W, [nIn, nOut] (a view of the network's parameters, never modified)
 * @param bias       b, [1, nOut]
 * @param activation applied in place to the pre-activation
 */
public record DenseStep(INDArray weights, INDArray bias, IActivation activation) {

    public long nIn() {
        return weights.size(0);
    }

    public long nOut() {
        return weights.size(1);
    }

    /** Writes in·W + b into {@code out} ([rows, nOut]) and returns it; the activation is not applied. */
    public INDArray preOutput(INDArray in, INDArray out) {
        return Affine.forward(in, weights, bias, out);
    }

    /** Writes activation(in·W + b) into {@code out} and returns it. */
    public INDArray forward(INDArray in, INDArray out) {
        return activation.getActivation(preOutput(in, out), false);
    }
}
