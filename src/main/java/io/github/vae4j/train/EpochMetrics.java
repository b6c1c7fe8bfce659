package io.github.vae4j.train;

/**
 * Numbers of one epoch; losses are negative ELBO in nats per example.
 *
 * @param epoch             1-based epoch
 * @param trainLoss         mean training score over the epoch's batches (β-weighted KL, sampled z, as trained)
 * @param testLoss          test negative ELBO (β = 1), one z draw per example
 * @param testRecon         its reconstruction part −E_q[log p(x|z)]
 * @param testKl            its KL part
 * @param beta              KL weight used in this epoch
 * @param examplesPerSecond training throughput of the fit loop alone
 * @param epochSeconds      wall time of the fit loop
 * @param elapsedSeconds    wall time since training started, evaluation included
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testRecon, double testKl, double beta,
                           double examplesPerSecond, double epochSeconds, double elapsedSeconds) {
}
