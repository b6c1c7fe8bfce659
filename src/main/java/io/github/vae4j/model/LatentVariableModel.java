package io.github.vae4j.model;

/**
 * What evaluation needs from a VAE with a Gaussian posterior and a N(0, I) prior: the encoder q(z|x) and a dense
 * decoder p(x|z). Implemented by {@link VaeModel} and by the benchmark's wrapper of DL4J's built-in layer.
 */
public interface LatentVariableModel {

    /** Data dimensions. */
    long inputSize();

    /** Latent dimensions. */
    int latentSize();

    /** q(z|x) for x [n, inputSize]; the arrays are detached from any workspace. */
    Posterior encode(org.nd4j.linalg.api.ndarray.INDArray x);

    /** The decoder as plain dense steps over the current parameters (views, not copies). */
    DenseDecoder decoder();
}
