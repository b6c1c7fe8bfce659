package io.github.vae4j.eval;

import io.github.vae4j.testutil.TestData;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.model.VaeNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A linear-Gaussian VAE (no hidden layers, identity decoder, fixed σ) has a closed-form marginal:
 * p(z) = N(0, I), p(x|z) = N(Wᵀz + b, σ²I) ⇒ p(x) = N(b, WᵀW + σ²I). The importance sampler must converge to it.
 */
class ImportanceSamplingTest {

    private static final int D = 3;
    private static final int L = 2;
    private static final double SIGMA = 0.5;

    private static VaeModel linearModel() {
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(D), "encoder", TestData.dense(),
                "latentSize", L, "decoder", TestData.dense(), "likelihood", "gaussian", "gaussianSigma", SIGMA,
                "activation", "identity", "seed", 3));
        return VaeModel.create(c, DataType.DOUBLE, null);
    }

    @Test
    void equalsTheClosedFormMarginalWhenQIsTheExactPosterior() {
        VaeModel m = linearModel();
        // decoder W with orthogonal rows, so the exact posterior N(Σ W (x−b)/σ², Σ), Σ = (I + WWᵀ/σ²)⁻¹, is diagonal
        INDArray w = Nd4j.createFromArray(new double[][] {{1.0, 0.0, 0.0}, {0.0, 2.0, 0.0}});
        INDArray b = Nd4j.createFromArray(new double[] {0.1, -0.2, 0.3}).reshape(1, D);
        m.network().getLayer(VaeNetwork.OUTPUT).setParam("W", w);
        m.network().getLayer(VaeNetwork.OUTPUT).setParam("b", b);
        double s2 = SIGMA * SIGMA;
        double[] post = {1 / (1 + 1 / s2), 1 / (1 + 4 / s2)};
        INDArray wMu = w.transpose().dup().mulRowVector(Nd4j.createFromArray(post[0] / s2, post[1] / s2));
        var z = m.network().getLayer(VaeNetwork.LATENT);
        z.setParam("Wmu", wMu);
        z.setParam("bmu", b.mmul(wMu).negi());
        z.setParam("WlogVar", Nd4j.zeros(DataType.DOUBLE, D, L));
        z.setParam("blogVar", Nd4j.createFromArray(Math.log(post[0]), Math.log(post[1])).reshape(1, L));

        INDArray x = Nd4j.createFromArray(new double[][] {{0.3, -0.5, 1.0}, {-1.2, 0.4, 0.0}, {2.0, 1.0, -1.0}});
        double[] exact = exactLogPx(w, b, x);
        double[] is = ImportanceSampling.logLikelihood(m, x, 7, 11);
        double[] elbo = m.elbo(x, 5000, 5).elbo().toDoubleVector(); // analytic KL + Monte Carlo reconstruction
        for (int i = 0; i < x.rows(); i++) {
            // 1e-4: the layer's soft clamp of log σ² (bounds -20, 10) moves log σ² ≈ -1.6 by ~1e-5
            assertEquals(exact[i], is[i], 1e-4, "IS estimate of example " + i);
            assertEquals(exact[i], elbo[i], 0.05, "the ELBO is tight at the exact posterior, example " + i);
        }
    }

    @Test
    void convergesToTheMarginalWithAnImperfectPosteriorAndBoundsTheElbo() {
        VaeModel m = linearModel(); // randomly initialized encoder: q is not the posterior
        INDArray w = m.network().getLayer(VaeNetwork.OUTPUT).getParam("W"); // [L, D]
        INDArray b = m.network().getLayer(VaeNetwork.OUTPUT).getParam("b");
        INDArray x = Nd4j.createFromArray(new double[][] {{0.3, -0.5, 1.0}, {-1.2, 0.4, 0.0}});

        double[] exact = exactLogPx(w, b, x);
        double[] is = ImportanceSampling.logLikelihood(m, x, 5000, 11);
        double[] elbo = m.elbo(x, 2000, 5).elbo().toDoubleVector();
        for (int i = 0; i < x.rows(); i++) {
            assertEquals(exact[i], is[i], 0.05, "IS estimate of example " + i);
            assertTrue(is[i] >= elbo[i] - 1e-3, "IS " + is[i] + " >= ELBO " + elbo[i]);
            assertTrue(exact[i] - elbo[i] > 0.05, "q is imperfect, so the ELBO is visibly below log p(x)");
        }
        // the bound rises with k (averaged over repetitions; the k=1 estimate is an unbiased ELBO estimate)
        double k1 = 0;
        double k100 = 0;
        for (int r = 0; r < 20; r++) {
            k1 += Arrays.stream(ImportanceSampling.logLikelihood(m, x, 1, 100 + r)).sum();
            k100 += Arrays.stream(ImportanceSampling.logLikelihood(m, x, 100, 200 + r)).sum();
        }
        assertTrue(k100 > k1, "k=100 mean " + k100 / 20 + " > k=1 mean " + k1 / 20);
    }

    @Test
    void largeKIsProcessedInChunksWithBoundedRowsAndStaysConsistent() {
        VaeModel m = linearModel();
        INDArray x = Nd4j.createFromArray(new double[][] {{0.3, -0.5, 1.0}, {-1.2, 0.4, 0.0}});
        double[] exact = exactLogPx(m.network().getLayer(VaeNetwork.OUTPUT).getParam("W"),
                m.network().getLayer(VaeNetwork.OUTPUT).getParam("b"), x);
        // k = 20000 needs 40000 rows, more than one 8192-row chunk: the running log-sum-exp must combine chunks
        double[] big = ImportanceSampling.logLikelihood(m, x, 20000, 3);
        for (int i = 0; i < 2; i++) {
            assertEquals(exact[i], big[i], 0.03, "example " + i);
        }
    }

    /** log N(x; b, WᵀW + σ²I) per row, by Cholesky in plain Java. */
    private static double[] exactLogPx(INDArray w, INDArray b, INDArray x) {
        double[][] c = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                double s = i == j ? SIGMA * SIGMA : 0;
                for (int l = 0; l < L; l++) {
                    s += w.getDouble(l, i) * w.getDouble(l, j);
                }
                c[i][j] = s;
            }
        }
        double[][] chol = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j <= i; j++) {
                double s = c[i][j];
                for (int k = 0; k < j; k++) {
                    s -= chol[i][k] * chol[j][k];
                }
                chol[i][j] = i == j ? Math.sqrt(s) : s / chol[j][j];
            }
        }
        double logDet = 0;
        for (int i = 0; i < D; i++) {
            logDet += 2 * Math.log(chol[i][i]);
        }
        double[] out = new double[(int) x.rows()];
        for (int r = 0; r < x.rows(); r++) {
            double[] y = new double[D];
            for (int i = 0; i < D; i++) {
                double s = x.getDouble(r, i) - b.getDouble(i);
                for (int k = 0; k < i; k++) {
                    s -= chol[i][k] * y[k];
                }
                y[i] = s / chol[i][i];
            }
            double q = 0;
            for (double v : y) {
                q += v * v;
            }
            out[r] = -0.5 * (q + logDet + D * Math.log(2 * Math.PI));
        }
        return out;
    }

    /**
     * Chunks of rows are sized by the decoder's values per row: the dense reference model decodes 8192 rows at once;
     * conv-mnist, whose transposed convolutions hold a 25,088-value column buffer per row, decodes fewer so that a
     * chunk stays within the budget (k = 500 on conv-mnist ran out of a 3 GB limit with fixed 8192-row chunks).
     */
    @Test
    void chunksStayWithinTheMemoryBudget() {
        VaeConfig mlp = VaeConfig.defaults().withInputShape(List.of(1, 28, 28));
        VaeConfig conv = VaeConfig.load(java.nio.file.Path.of("configs/conv-mnist.json"));
        assertEquals(ImportanceSampling.CHUNK_ROWS, ImportanceSampling.chunkRows(VaeModel.create(mlp)));
        long perRow = conv.architecture().decoderValuesPerExample();
        assertTrue(perRow > 32 * 7 * 7 * 16, "the column buffer of the 64→32 deconv is counted: " + perRow);
        int rows = ImportanceSampling.chunkRows(VaeModel.create(conv));
        assertTrue(rows < ImportanceSampling.CHUNK_ROWS && rows * perRow <= ImportanceSampling.CHUNK_VALUES,
                rows + " rows of " + perRow + " values");
    }
}
