package io.github.vae4j.eval;

import io.github.vae4j.model.Posterior;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.nn.VaeMath;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Importance-sampled marginal log-likelihood (Burda et al., "Importance Weighted Autoencoders", 2016):
 * <pre>log p(x) ≈ log (1/k) Σ_i exp(log p(x|z_i) + log p(z_i) − log q(z_i|x)),  z_i ~ q(z|x)</pre>
 * computed in log space with a running log-sum-exp per example, k samples processed in chunks so memory does not
 * grow with k. The estimate is a lower bound in expectation that rises with k towards log p(x); k = 1 is the ELBO.
 *
 * <p>Not DL4J's {@code reconstructionLogProbability}, which averages log p(x|z) only (the ELBO's reconstruction
 * part, without the prior and posterior terms).
 */
public final class ImportanceSampling {

    /** Rows (examples × samples) decoded at once. */
    private static final long CHUNK_ROWS = 8192;

    private ImportanceSampling() {
    }

    /**
     * Per-example log p(x) estimates in nats.
     *
     * @param x    [n, inputSize]
     * @param k    importance samples per example, ≥ 1
     * @param seed seed of the z draws
     * @return double[n]
     */
    public static double[] logLikelihood(VaeModel model, INDArray x, int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        long n = x.size(0);
        double[] out = new double[(int) n];
        long examplesPerChunk = Math.max(1, Math.min(n, CHUNK_ROWS / Math.min(k, CHUNK_ROWS)));
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (long from = 0; from < n; from += examplesPerChunk) {
            long to = Math.min(n, from + examplesPerChunk);
            INDArray xb = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            double[] lb = batch(model, xb, k, rng);
            System.arraycopy(lb, 0, out, (int) from, lb.length);
        }
        return out;
    }

    private static INDArray head(INDArray tiled, long rows) {
        return rows == tiled.size(0) ? tiled : tiled.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }

    private static double[] batch(VaeModel model, INDArray x, int k, Random rng) {
        int b = (int) x.size(0);
        Posterior q = model.encode(x);
        int latent = (int) q.mu().size(1);
        double[] max = new double[b];
        double[] sum = new double[b];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        int perPass = (int) Math.max(1, Math.min(k, CHUNK_ROWS / Math.max(b, 1)));
        INDArray sigma = org.nd4j.linalg.ops.transforms.Transforms.exp(q.logVar().mul(0.5), false);
        // rows ordered sample-major (row j*b + i is sample j of example i); tiled once for a full pass
        INDArray muT = Nd4j.tile(q.mu(), perPass, 1);
        INDArray sigmaT = Nd4j.tile(sigma, perPass, 1);
        INDArray xT = Nd4j.tile(x.castTo(q.mu().dataType()), perPass, 1);
        INDArray logVarSumT = Nd4j.tile(q.logVar().sum(1).reshape(1, b), 1, perPass).reshape((long) perPass * b);
        for (int done = 0; done < k; done += perPass) {
            int s = Math.min(perPass, k - done);
            long rows = (long) s * b;
            INDArray eps = Nd4j.randn(Nd4j.create(q.mu().dataType(), rows, latent), rng);
            INDArray z = eps.mul(head(sigmaT, rows)).addi(head(muT, rows));
            INDArray logPxz = model.reconstructionLogLikelihood(head(xT, rows), z);            // [s*b]
            INDArray logPz = z.mul(z).sum(1).addi(latent * VaeMath.LOG_2PI).muli(-0.5);      // [s*b]
            INDArray logQz = eps.mul(eps).sum(1).addi(logVarSumT.get(NDArrayIndex.interval(0, rows)))
                    .addi(latent * VaeMath.LOG_2PI).muli(-0.5);                               // [s*b]
            double[] w = logPxz.addi(logPz).subi(logQz).castTo(DataType.DOUBLE).toDoubleVector();
            for (int j = 0; j < s; j++) {
                for (int i = 0; i < b; i++) {
                    double v = w[j * b + i];
                    if (v > max[i]) {
                        sum[i] = sum[i] * Math.exp(max[i] - v) + 1.0;
                        max[i] = v;
                    } else {
                        sum[i] += Math.exp(v - max[i]);
                    }
                }
            }
        }
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            out[i] = max[i] + Math.log(sum[i]) - Math.log(k);
        }
        return out;
    }
}
