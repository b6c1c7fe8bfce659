package io.github.vae4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-example evidence lower bound ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)), in nats.
 *
 * @param reconstruction [n] expected negative log-likelihood −E_q[log p(x|z)] (Monte Carlo over {@code samples} z)
 * @param kl             [n] KL(q(z|x) ‖ N(0, I)), closed form, unweighted by β
 * @param samples        z draws per example used for the reconstruction term
 */
public record Elbo(INDArray reconstruction, INDArray kl, int samples) {

    /** Per-example ELBO, [n]. */
    public INDArray elbo() {
        return reconstruction.add(kl).negi();
    }

    /** Mean negative ELBO over the batch (the training loss for β = 1). */
    public double meanNegativeElbo() {
        return meanReconstruction() + meanKl();
    }

    public double meanReconstruction() {
        return reconstruction.meanNumber().doubleValue();
    }

    public double meanKl() {
        return kl.meanNumber().doubleValue();
    }
}
