package io.github.vae4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What evaluation needs from a VAE with a Gaussian posterior and a N(0, I) prior: the encoder q(z|x) and the decoder's
 * log p(x|z). Implemented by {@link VaeModel} (through its graph's own layers) and by the benchmark's wrapper of
 * DL4J's built-in layer.
 */
public interface LatentVariableModel {

    /** Values per example of the flat data. */
    long inputSize();

    /** Latent dimensions. */
    int latentSize();

    /** q(z|x) for x [n, inputSize]; the arrays are detached from any workspace. */
    Posterior encode(INDArray x);

    /** Per-example log p(x|z) in nats, [n], for x [n, inputSize] and z [n, latentSize]; detached. */
    INDArray reconstructionLogLikelihood(INDArray x, INDArray z);

    /**
     * Values (floats or doubles) one example occupies while {@link #reconstructionLogLikelihood} runs, so that
     * evaluation can size its chunks of rows to a memory budget.
     */
    long decoderValuesPerExample();

    /**
     * A model that a second thread may use while this one is in use: this model itself when its methods keep no
     * state, else a copy with the same parameters.
     */
    default LatentVariableModel forThread() {
        return this;
    }
}
