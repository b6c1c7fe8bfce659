package io.github.vae4j.eval;

/**
 * Test-set evaluation of a model, in nats per example.
 *
 * @param examples          test examples evaluated
 * @param negativeElbo      mean −ELBO, reconstruction term averaged over {@code elboSamples} z draws per example
 * @param reconstruction    its −E_q[log p(x|z)] part
 * @param kl                its KL(q(z|x) ‖ N(0, I)) part
 * @param elboSamples       z draws per example for the ELBO
 * @param logLikelihood     mean importance-sampled log p(x)
 * @param importanceSamples k of the importance sampler
 * @param objective         the model's training objective, as {@code Objective.describe()} writes it
 * @param negativeObjective that objective on the test data, negated, at its full KL weight
 *                          ({@link Evaluator#negativeObjective})
 * @param activeUnits       latent dimensions with Cov_x(E_q[z_j]) &gt; {@link Diagnostics#ACTIVE_THRESHOLD}
 * @param klPerDimension    mean KL of each latent dimension
 * @param latentVariance    Cov_x(E_q[z_j]) of each latent dimension
 * @param seconds           wall time of the evaluation
 */
public record Evaluation(long examples, double negativeElbo, double reconstruction, double kl, int elboSamples,
                         double logLikelihood, int importanceSamples, String objective, double negativeObjective,
                         int activeUnits, double[] klPerDimension,
                         double[] latentVariance, double seconds) {
}
