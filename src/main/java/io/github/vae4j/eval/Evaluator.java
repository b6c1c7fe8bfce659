package io.github.vae4j.eval;

import io.github.vae4j.config.Objective;
import io.github.vae4j.model.Elbo;
import io.github.vae4j.model.Inputs;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/** Evaluates a model on a data matrix: ELBO and its parts, importance-sampled log p(x), collapse diagnostics. */
public final class Evaluator {

    private static final long BATCH = 1000;

    private Evaluator() {
    }

    /**
     * @param x           [n, inputSize] normalized test data
     * @param elboSamples z draws per example for the ELBO's reconstruction term
     * @param k           importance samples for log p(x)
     * @param objective   the model's training objective, also evaluated ({@link #negativeObjective})
     * @param seed        seed of all draws
     */
    public static Evaluation evaluate(LatentVariableModel model, INDArray x, int elboSamples, int k, Objective objective,
            long seed) {
        long t0 = System.nanoTime();
        Inputs.checkMatrix(x, model.inputSize(), "test data");
        long n = x.size(0);
        double recon = 0;
        double kl = 0;
        List<INDArray> mus = new ArrayList<>();
        List<INDArray> logVars = new ArrayList<>();
        for (long from = 0; from < n; from += BATCH) {
            INDArray xb = x.get(NDArrayIndex.interval(from, Math.min(n, from + BATCH)), NDArrayIndex.all());
            Posterior q = model.encode(xb);
            Elbo e = Elbo.estimate(model, xb, q, elboSamples, Seeds.derive(seed, Seeds.Stream.ELBO, from));
            recon += e.reconstruction().sumNumber().doubleValue();
            kl += e.kl().sumNumber().doubleValue();
            mus.add(q.mu());
            logVars.add(q.logVar());
        }
        Posterior all = new Posterior(Nd4j.vstack(mus.toArray(new INDArray[0])), Nd4j.vstack(logVars.toArray(new INDArray[0])));
        double[] variance = Diagnostics.latentVariance(all);
        double[] ll = ImportanceSampling.logLikelihood(model, x, all, k, seed);
        double meanLl = java.util.Arrays.stream(ll).average().orElse(Double.NaN);
        double negObjective = objective.importanceWeighted() && objective.samples() == k ? -meanLl
                : negativeObjective(model, x, all, recon / n, objective, seed);
        return new Evaluation(n, (recon + kl) / n, recon / n, kl / n, elboSamples, meanLl, k,
                objective.describe(), negObjective, Diagnostics.activeUnits(variance),
                Diagnostics.klPerDimension(all), variance, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The model's own training objective on data x, negated (what training minimizes), per example, in nats, at its
     * full KL weight: for the ELBO, −E_q[log p(x|z)] + β · Σ_j max(λ, KL_j), KL_j the mean KL of latent dimension j
     * (free bits λ, 0 if off); for IWAE-k, −log (1/k) Σ_s p(x|z_s) p(z_s)/q(z_s|x) averaged over the examples
     * (importance sampling with the objective's k, which is that bound).
     *
     * @param q                   q(z|x) of every row of x
     * @param meanReconstruction  −E_q[log p(x|z)] averaged over x (the ELBO's term, already estimated)
     */
    public static double negativeObjective(LatentVariableModel model, INDArray x, Posterior q, double meanReconstruction,
            Objective objective, long seed) {
        if (objective.importanceWeighted()) {
            double[] bound = ImportanceSampling.logLikelihood(model, x, q, objective.samples(),
                    Seeds.derive(seed, Seeds.Stream.OBJECTIVE, 0));
            return -java.util.Arrays.stream(bound).average().orElse(Double.NaN);
        }
        double kl = 0;
        for (double klj : Diagnostics.klPerDimension(q)) {
            kl += Math.max(objective.freeBits(), klj);
        }
        return meanReconstruction + objective.beta() * kl;
    }
}
