package io.github.vae4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossFunctionsTest {

    private static final INDArray LOGITS = Nd4j.createFromArray(new double[][] {{-20, 0, 20}});
    private static final INDArray TARGETS = Nd4j.createFromArray(new double[][] {{1, 1, 0}});

    @Test
    void bernoulliIsExactForSaturatedLogits() {
        // exact: softplus(-20)+20 + log 2 + softplus(20) = 40 + log 2 + 2·log1p(e^-20)
        double exact = 40 + Math.log(2) + 2 * Math.log1p(Math.exp(-20));
        LossBernoulli loss = new LossBernoulli();
        assertEquals(exact, loss.computeScore(TARGETS, LOGITS, new ActivationSigmoid(), null, false), 1e-9);
        assertEquals(exact, loss.computeScore(TARGETS, LOGITS, new ActivationIdentity(), null, false), 1e-9);
        assertEquals(40.69, exact, 0.005);

        INDArray grad = loss.computeGradient(TARGETS, LOGITS, new ActivationSigmoid(), null);
        assertArrayEquals(new double[] {-1.0, -0.5, 1.0}, grad.toDoubleVector(), 1e-8);
    }

    /**
     * Training's path (one sigmoid pass + {@link BernoulliKernel}, a log per 64 elements) gives the same score and
     * gradient as the element-wise definition, in double and float, for logits from −60 to 60 and data in [0, 1],
     * over a length that ends in a partial chunk and a partial group.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = org.nd4j.linalg.api.buffer.DataType.class,
            names = {"DOUBLE", "FLOAT"})
    void bernoulliTrainingPathMatchesDefinition(org.nd4j.linalg.api.buffer.DataType type) {
        Nd4j.getRandom().setSeed(3);
        INDArray l = Nd4j.rand(type, 37, 229).subi(0.5).muli(120).dup('f');
        INDArray x = Nd4j.rand(type, 37, 229).dup('f');
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .assign(Nd4j.rand(type, 10, 229).gt(0.5).castTo(type));
        LossBernoulli loss = new LossBernoulli();
        var fast = loss.computeGradientAndScore(x, l, new ActivationSigmoid(), null, false);
        double definition = loss.computeScore(x, l, new ActivationSigmoid(), null, false);
        INDArray gradient = loss.computeGradient(x, l, new ActivationSigmoid(), null);
        double tol = type == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? 1e-9 : 1e-5;
        assertEquals(definition, fast.getFirst(), tol * Math.abs(definition));
        assertTrue(definition > 1000, "the test should cover a large score, got " + definition);
        assertEquals(0.0, fast.getSecond().sub(gradient).amaxNumber().doubleValue(), tol);
    }

    /** Evaluation's per-row path for 'c'-order rows equals the element-wise definition, row by row. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = org.nd4j.linalg.api.buffer.DataType.class,
            names = {"DOUBLE", "FLOAT"})
    void bernoulliRowLogLikelihoodMatchesDefinition(org.nd4j.linalg.api.buffer.DataType type) {
        Nd4j.getRandom().setSeed(4);
        INDArray l = Nd4j.rand(type, 23, 4200).subi(0.5).muli(80);
        INDArray x = Nd4j.rand(type, 23, 4200);
        LossBernoulli loss = new LossBernoulli();
        INDArray fast = loss.logLikelihood(x, l, new ActivationSigmoid());
        // the reference: the element-wise definition on the same values in double precision
        org.nd4j.linalg.api.buffer.DataType d = org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        double[] definition = loss.computeScoreArray(x.castTo(d), l.castTo(d), new ActivationSigmoid(), null).neg()
                .toDoubleVector();
        assertArrayEquals(new long[] {23, 1}, fast.shape());
        double relTol = type == d ? 1e-12 : 1e-5;
        double[] got = fast.toDoubleVector();
        for (int i = 0; i < got.length; i++) {
            assertEquals(definition[i], got[i], relTol * Math.abs(definition[i]), "row " + i);
        }
        assertTrue(definition[0] < -1000, "rows should carry large log-likelihoods");
    }

    @Test
    void dl4jBinaryXentIsNotExactThere() {
        // Documents why vae4j ships its own loss: DL4J clips probabilities.
        LossBinaryXENT xent = new LossBinaryXENT();
        double dl4j = xent.computeScore(TARGETS, LOGITS.dup(), new ActivationSigmoid(), null, false);
        assertEquals(23.72, dl4j, 0.01);
        INDArray g = xent.computeGradient(TARGETS, LOGITS.dup(), new ActivationSigmoid(), null);
        assertTrue(Math.abs(g.getDouble(0)) < 1e-3, "DL4J gradient at the saturated logit: " + g);
    }

    @Test
    void bernoulliRejectsOtherActivations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LossBernoulli().computeScore(TARGETS, LOGITS, new ActivationTanH(), null, false));
        assertTrue(e.getMessage().contains("SIGMOID or IDENTITY"), e.getMessage());
    }

    @Test
    void gaussianFixedSigmaMatchesHandFormula() {
        double sigma = 0.5;
        INDArray mu = Nd4j.createFromArray(new double[][] {{0.1, -2.0}, {3.0, 0.0}});
        INDArray x = Nd4j.createFromArray(new double[][] {{0.0, -1.0}, {2.5, 0.5}});
        INDArray perExample = new LossGaussian(sigma).computeScoreArray(x, mu, new ActivationIdentity(), null);
        for (int i = 0; i < 2; i++) {
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                double d = x.getDouble(i, j) - mu.getDouble(i, j);
                expected += 0.5 * (d * d / (sigma * sigma) + Math.log(2 * Math.PI * sigma * sigma));
            }
            assertEquals(expected, perExample.getDouble(i, 0), 1e-12);
        }
    }

    @Test
    void gaussianLearnedVarianceMatchesHandFormula() {
        INDArray out = Nd4j.createFromArray(new double[][] {{0.1, -2.0, 0.5, -1.0}});
        INDArray x = Nd4j.createFromArray(new double[][] {{0.0, -1.0}});
        LossGaussianLearnedVariance loss = new LossGaussianLearnedVariance();
        double s = loss.computeScore(x, out, new ActivationIdentity(), null, false);
        double expected = 0;
        double[] mus = {0.1, -2.0};
        double[] lvs = {0.5, -1.0};
        for (int j = 0; j < 2; j++) {
            double d = x.getDouble(0, j) - mus[j];
            expected += 0.5 * (d * d * Math.exp(-lvs[j]) + lvs[j] + Math.log(2 * Math.PI));
        }
        assertEquals(expected, s, 5e-4); // the soft clamp moves log σ² = -1 by softplus(-9) ≈ 1.2e-4
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.computeScore(x, x, new ActivationIdentity(), null, false));
        assertTrue(e.getMessage().contains("needs network output of shape [1, 4]"), e.getMessage());
    }
}
