package io.github.vae4j.config;

/** The decoder distribution p(x|z). */
public enum Likelihood {
    /** Bernoulli on logits, for data in [0, 1] (pixels): exact binary cross-entropy. */
    BERNOULLI,
    /** Gaussian with fixed σ ({@code gaussianSigma}): scaled squared error plus a constant. */
    GAUSSIAN,
    /** Gaussian whose per-dimension variance the decoder learns (outputs [mean | log variance]). */
    GAUSSIAN_LEARNED_VARIANCE;

    /** Decoder outputs per data dimension: 2 (mean, log variance) for a learned-variance Gaussian, else 1. */
    public int parametersPerDimension() {
        return this == GAUSSIAN_LEARNED_VARIANCE ? 2 : 1;
    }
}
