package io.github.vae4j.model;

import io.github.vae4j.nn.VaeMath;
import io.github.vae4j.util.Seeds;
import io.github.vae4j.nn.VariationalLayerImpl;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-example evidence lower bound ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)), in nats.
 *
 * @param reconstruction [n] expected negative log-likelihood −E_q[log p(x|z)] (Monte Carlo over {@code samples} z)
 * @param kl             [n] KL(q(z|x) ‖ N(0, I)), closed form, unweighted by β
 * @param samples        z draws per example used for the reconstruction term
 */
public record Elbo(INDArray reconstruction, INDArray kl, int samples) {

    private static final String WORKSPACE = "vae4j-elbo";

    /**
     * Monte Carlo ELBO of any Gaussian-latent model: the reconstruction term averages {@code samples} draws of
     * z ~ q(z|x) from a generator seeded with {@code seed}, the KL term is closed form. Each draw's temporaries live
     * in a {@link ScratchWorkspace}, so memory does not grow with {@code samples}.
     *
     * @param x [n, inputSize], already checked by the caller
     */
    public static Elbo estimate(LatentVariableModel model, INDArray x, int samples, long seed) {
        return estimate(model, x, model.encode(x), samples, seed);
    }

    /** As {@link #estimate(LatentVariableModel, INDArray, int, long)}, for a posterior q(z|x) already computed. */
    public static Elbo estimate(LatentVariableModel model, INDArray x, Posterior q, int samples, long seed) {
        INDArray kl = VaeMath.klDivergencePerExample(q.mu(), q.logVar()).reshape(x.size(0));
        INDArray recon = Nd4j.zeros(q.mu().dataType(), x.size(0));
        for (INDArray logLikelihood : reconstructionDraws(model, x, q, samples, seed)) {
            recon.subi(logLikelihood);
        }
        return new Elbo(recon.divi(samples), kl, samples);
    }

    /**
     * log p(x|z_l) per example, [n] for each of {@code samples} draws z_l = μ + σ ⊙ ε_l ~ q(z|x) from a generator
     * seeded with {@code seed}: the draws the ELBO's reconstruction term averages (and the reconstruction probability
     * of {@code eval.AnomalyScores} takes the log-mean-exp of). Each draw's work runs in a {@link ScratchWorkspace}.
     */
    public static INDArray[] reconstructionDraws(LatentVariableModel model, INDArray x, Posterior q, int samples,
            long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        INDArray xs = x.castTo(q.mu().dataType());
        INDArray[] draws = new INDArray[samples];
        Random rng = Seeds.generator(seed);
        try {
            for (int s = 0; s < samples; s++) {
                try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
                    INDArray eps = Nd4j.randn(Nd4j.createUninitialized(q.mu().dataType(), q.mu().shape()), rng);
                    INDArray z = VariationalLayerImpl.reparameterize(q.mu(), q.logVar(), eps);
                    // detached by the model: it outlives the workspace
                    draws[s] = model.reconstructionLogLikelihood(xs, z);
                }
            }
        } finally {
            ScratchWorkspace.release(WORKSPACE);
        }
        return draws;
    }

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
