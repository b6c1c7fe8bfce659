package io.github.vae4j.eval;

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
     * @param seed        seed of all draws
     */
    public static Evaluation evaluate(LatentVariableModel model, INDArray x, int elboSamples, int k, long seed) {
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
        return new Evaluation(n, (recon + kl) / n, recon / n, kl / n, elboSamples, meanLl, k,
                Diagnostics.activeUnits(variance), Diagnostics.klPerDimension(all), variance,
                (System.nanoTime() - t0) / 1e9);
    }
}
