package io.github.vae4j.train;

/**
 * Numbers of one epoch; losses are negative ELBO in nats per example.
 *
 * @param epoch             1-based epoch
 * @param trainLoss         mean training score over the epoch's batches (the objective as trained: scheduled KL
 *                          weight, sampled z)
 * @param testLoss          test negative ELBO (β = 1), one z draw per example
 * @param testRecon         its reconstruction part −E_q[log p(x|z)]
 * @param testKl            its KL part
 * @param testObjective     the model's own objective on the test set, negated, at its full KL weight (the −ELBO for
 *                          the plain ELBO; the −IWAE-k bound for IWAE)
 * @param beta              KL weight used in this epoch
 * @param examplesPerSecond training throughput of the fit loop alone
 * @param epochSeconds      wall time of the fit loop
 * @param elapsedSeconds    wall time since training started, evaluation included
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testRecon, double testKl, double testObjective,
                           double beta,
                           double examplesPerSecond, double epochSeconds, double elapsedSeconds) {

    /** The metrics a model's metadata records after this epoch (vae4j train and the Spark trainer write the same). */
    public java.util.Map<String, Double> asMetadata() {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        out.put("epochs", (double) epoch);
        out.put("train_loss", trainLoss);
        out.put("test_loss", testLoss);
        out.put("test_recon", testRecon);
        out.put("test_kl", testKl);
        out.put("test_objective", testObjective);
        out.put("examples_per_second", examplesPerSecond);
        return out;
    }
}
