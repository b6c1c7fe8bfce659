package io.github.vae4j.engine;

import io.github.vae4j.nn.LossBernoulli;
import io.github.vae4j.nn.VaeMath;
import io.github.vae4j.nn.VariationalLayerImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every element-wise kernel of the engine, in its float and its double path, against the readable definition
 * evaluated in double precision: the variational layer's {@link LatentKernel} against {@link VaeMath} and
 * {@link VariationalLayerImpl#reparameterize}, {@link BiasActivationKernel} against bias + ReLU written with ND4J
 * ops, and {@link BernoulliKernel} against {@link LossBernoulli}'s element-wise definition.
 */
class KernelsTest {

    private static final double LO = -20;
    private static final double HI = 10;

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? 1e-10 : 2e-5;
    }

    private static double maxRelDiff(INDArray actual, INDArray expected) {
        INDArray a = actual.castTo(DataType.DOUBLE);
        return a.sub(expected).divi(Transforms.abs(expected, true).addi(1.0)).amaxNumber().doubleValue();
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void latentKernelMatchesTheReadableDefinition(DataType type) {
        int rows = 7;
        int latent = 5;
        Nd4j.getRandom().setSeed(11);
        INDArray product = Nd4j.randn(DataType.DOUBLE, rows, 2 * latent).muli(3);
        product.putScalar(0, latent, -27.0); // below the soft clamp's lower bound
        product.putScalar(1, latent + 1, 14.0); // above its upper bound
        INDArray bias = Nd4j.randn(DataType.DOUBLE, 1, 2 * latent);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, rows, latent);
        INDArray dz = Nd4j.randn(DataType.DOUBLE, rows, latent);
        double beta = 0.7;

        // the definition, in double
        INDArray raw = product.addRowVector(bias);
        INDArray mu = raw.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent)).dup();
        INDArray rawLogVar = raw.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent)).dup();
        INDArray logVar = VaeMath.softClamp(rawLogVar, LO, HI);
        INDArray z = VariationalLayerImpl.reparameterize(mu, logVar, eps);
        INDArray klPerDim = VaeMath.klDivergencePerDimension(mu, logVar).sum(0);
        // free bits λ: off, then between the 2nd and 3rd smallest dimension's mean KL (two fall below the floor)
        double[] sorted = klPerDim.div(rows).toDoubleVector();
        java.util.Arrays.sort(sorted);
        for (double lambda : new double[] {0, (sorted[1] + sorted[2]) / 2}) {
            INDArray active = klPerDim.gte(rows * lambda).castTo(DataType.DOUBLE).reshape(1, latent);
            double kl = Transforms.max(klPerDim, rows * lambda).sumNumber().doubleValue();
            // ∂/∂μ (dz·z + β KL) = dz + β μ;  ∂/∂log σ² = ½ dz σ ε + ½ β (σ² − 1);  chain rule through the clamp;
            // the β terms only for the dimensions above the floor
            INDArray sigma = Transforms.exp(logVar.mul(0.5), true);
            INDArray dMu = dz.add(mu.mul(beta).muliRowVector(active));
            INDArray dLogVar = dz.mul(sigma).muli(eps).muli(0.5)
                    .addi(Transforms.exp(logVar, true).subi(1).muli(0.5 * beta).muliRowVector(active));
            INDArray dRaw = dLogVar.mul(VaeMath.softClampDerivative(rawLogVar, LO, HI));
            INDArray dHeads = Nd4j.hstack(dMu, dRaw);

            // the kernel, in the tested precision
            LatentKernel kernel = new LatentKernel(rows, latent);
            INDArray zOut = Nd4j.create(type, new long[] {rows, latent}, 'f');
            double kernelKl = kernel.forward(product.castTo(type).dup('f'), bias.castTo(type).reshape(2 * latent),
                    eps.castTo(type).dup('f'), zOut, LO, HI, lambda);
            INDArray dHeadsOut = Nd4j.create(type, new long[] {rows, 2 * latent}, 'f');
            INDArray biasGrad = Nd4j.create(type, 2 * latent);
            kernel.backward(dz.castTo(type).dup('f'), beta, dHeadsOut, biasGrad);

            double tol = tolerance(type);
            assertEquals(kl, kernelKl, tol * Math.abs(kl), "lambda " + lambda);
            assertTrue(maxRelDiff(zOut, z) < tol, "z differs by " + maxRelDiff(zOut, z));
            assertTrue(maxRelDiff(dHeadsOut, dHeads) < tol, "gradient differs by " + maxRelDiff(dHeadsOut, dHeads)
                    + ", lambda " + lambda);
            INDArray biasSum = dHeads.sum(0);
            assertTrue(maxRelDiff(biasGrad, biasSum) < tol * rows, "bias gradient differs by "
                    + maxRelDiff(biasGrad, biasSum));
        }
        double tol = tolerance(type);
        LatentKernel kernel = new LatentKernel(rows, latent);
        INDArray zOut = Nd4j.create(type, new long[] {rows, latent}, 'f');
        // inference (no ε): z = μ
        kernel.forward(product.castTo(type).dup('f'), bias.castTo(type).reshape(2 * latent), null, zOut, LO, HI, 0);
        assertTrue(maxRelDiff(zOut, mu) < tol);
    }

    /**
     * {@link ImportanceSampledLatentKernel} against the definition in double: z_s = μ + σ ⊙ ε_s, r_s = log N(z_s; 0, I)
     * − log N(z_s; μ, σ²) with the log-densities written out, and the gradient of −log (1/k) Σ_s exp(ℓ_s + r_s) for a
     * linear stand-in ℓ_s = c_s · z_s of log p(x|z_s), written with the weights w̃ = softmax(ℓ + r).
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void importanceSampledLatentKernelMatchesTheReadableDefinition(DataType type) {
        int rows = 4;
        int latent = 3;
        int k = 5;
        Nd4j.getRandom().setSeed(17);
        INDArray product = Nd4j.randn(DataType.DOUBLE, rows, 2 * latent);
        INDArray bias = Nd4j.randn(DataType.DOUBLE, 1, 2 * latent).muli(0.3);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, k * rows, latent);
        INDArray c = Nd4j.randn(DataType.DOUBLE, k * rows, latent);

        INDArray raw = product.addRowVector(bias);
        INDArray mu = raw.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent)).dup();
        INDArray rawLogVar = raw.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent)).dup();
        INDArray logVar = VaeMath.softClamp(rawLogVar, LO, HI);
        INDArray muK = Nd4j.tile(mu, k, 1);
        INDArray logVarK = Nd4j.tile(logVar, k, 1);
        INDArray sigmaK = Transforms.exp(logVarK.mul(0.5), true);
        INDArray z = muK.add(sigmaK.mul(eps));
        double log2pi = Math.log(2 * Math.PI);
        INDArray logPrior = z.mul(z).addi(log2pi).muli(-0.5).sum(1);
        INDArray diff = z.sub(muK);
        INDArray logPosterior = diff.mul(diff).divi(Transforms.exp(logVarK, true)).addi(logVarK).addi(log2pi).muli(-0.5).sum(1);
        INDArray r = logPrior.sub(logPosterior);
        // the bound's gradient, with a = ℓ + r and w̃ = softmax over each example's k rows:
        // ∂L/∂z_s = −w̃_s (c_s − z_s); ∂L/∂μ = Σ_s ∂L/∂z_s; ∂L/∂log σ² = Σ_s ∂L/∂z_s ½ σ ε_s − ½
        INDArray a = c.mul(z).sum(1).addi(r);
        double[] w = new double[k * rows];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < k; s++) {
                max = Math.max(max, a.getDouble(s * rows + i));
            }
            double sum = 0;
            for (int s = 0; s < k; s++) {
                sum += Math.exp(a.getDouble(s * rows + i) - max);
            }
            for (int s = 0; s < k; s++) {
                w[s * rows + i] = Math.exp(a.getDouble(s * rows + i) - max) / sum;
            }
        }
        INDArray wCol = Nd4j.createFromArray(w).reshape(k * rows, 1);
        INDArray dzFromDecoder = c.neg().muliColumnVector(wCol);     // w̃_s ∂(−ℓ_s)/∂z_s, as the loss and decoder give it
        INDArray dzTotal = z.sub(c).muliColumnVector(wCol);
        INDArray dMu = Nd4j.zeros(DataType.DOUBLE, rows, latent);
        INDArray dLogVar = Nd4j.zeros(DataType.DOUBLE, rows, latent).subi(0.5);
        for (int s = 0; s < k; s++) {
            INDArray block = dzTotal.get(NDArrayIndex.interval(s * rows, (s + 1) * rows), NDArrayIndex.all());
            INDArray e = eps.get(NDArrayIndex.interval(s * rows, (s + 1) * rows), NDArrayIndex.all());
            dMu.addi(block);
            dLogVar.addi(block.mul(e).muli(Transforms.exp(logVar.mul(0.5), true)).muli(0.5));
        }
        INDArray dHeads = Nd4j.hstack(dMu, dLogVar.muli(VaeMath.softClampDerivative(rawLogVar, LO, HI)));

        ImportanceSampledLatentKernel kernel = new ImportanceSampledLatentKernel(rows, latent, k);
        INDArray zOut = Nd4j.create(type, new long[] {k * rows, latent}, 'f');
        double[] logRatio = kernel.forward(product.castTo(type).dup('f'), bias.castTo(type).reshape(2 * latent),
                eps.castTo(type).dup('f'), zOut, LO, HI);
        INDArray dHeadsOut = Nd4j.create(type, new long[] {rows, 2 * latent}, 'f');
        INDArray biasGrad = Nd4j.create(type, 2 * latent);
        kernel.backward(dzFromDecoder.castTo(type).dup('f'), w, dHeadsOut, biasGrad);

        double tol = tolerance(type);
        assertTrue(maxRelDiff(zOut, z) < tol, "z differs by " + maxRelDiff(zOut, z));
        assertTrue(maxRelDiff(Nd4j.createFromArray(logRatio), r) < tol, "log p(z) - log q(z|x) differs");
        assertTrue(maxRelDiff(dHeadsOut, dHeads) < tol, "gradient differs by " + maxRelDiff(dHeadsOut, dHeads));
        assertTrue(maxRelDiff(biasGrad, dHeads.sum(0)) < tol * rows, "bias gradient differs");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void biasActivationKernelMatchesTheReadableDefinition(DataType type) {
        for (boolean relu : new boolean[] {true, false}) {
            int rows = 33; // several columns per chunk, and a partial chunk
            int cols = 300;
            Nd4j.getRandom().setSeed(5);
            INDArray product = Nd4j.randn(DataType.DOUBLE, rows, cols);
            INDArray bias = Nd4j.randn(DataType.DOUBLE, 1, cols);
            INDArray epsilon = Nd4j.randn(DataType.DOUBLE, rows, cols);
            INDArray pre = product.addRowVector(bias);
            INDArray act = relu ? Transforms.relu(pre, true) : pre.dup();
            INDArray delta = relu ? epsilon.mul(pre.gt(0).castTo(DataType.DOUBLE)) : epsilon.dup();

            INDArray z = product.castTo(type).dup('f');
            INDArray kept = Nd4j.create(type, new long[] {rows, cols}, 'f');
            BiasActivationKernel.forward(z, bias.castTo(type).reshape(cols), kept, relu);
            INDArray biasGrad = Nd4j.create(type, cols);
            BiasActivationKernel.backward(kept, epsilon.castTo(type).dup('f'), biasGrad, relu);

            double tol = tolerance(type);
            assertTrue(maxRelDiff(z, act) < tol, "activation, relu=" + relu);
            assertTrue(maxRelDiff(kept, delta) < tol, "delta, relu=" + relu);
            assertTrue(maxRelDiff(biasGrad.reshape(1, cols), delta.sum(true, 0)) < tol * rows, "bias gradient, relu=" + relu);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void bernoulliKernelMatchesTheDoublePrecisionDefinition(DataType type) {
        Nd4j.getRandom().setSeed(3);
        INDArray logits = Nd4j.rand(DataType.DOUBLE, 37, 229).subi(0.5).muli(120);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 37, 229);
        LossBernoulli loss = new LossBernoulli();
        // the definition, in double: Σ softplus(l) − x·l and σ(l) − x
        double score = loss.computeScore(x, logits, new ActivationSigmoid(), null, false);
        INDArray gradient = Transforms.sigmoid(logits, true).subi(x);
        INDArray rowNll = VaeMath.softplus(logits).subi(x.mul(logits)).sum(1);

        for (char order : new char[] {'f', 'c'}) {
            INDArray l = logits.castTo(type).dup(order);
            INDArray xs = x.castTo(type).dup(order);
            INDArray sigma = Nd4j.createUninitialized(type, l.shape(), order);
            double kernelScore = BernoulliKernel.gradientAndScore(l, xs, sigma);
            assertEquals(score, kernelScore, tolerance(type) * Math.abs(score), "order " + order);
            assertTrue(maxRelDiff(sigma, gradient) < tolerance(type), "gradient, order " + order);
        }
        INDArray l = logits.castTo(type).dup('c');
        double[] rows = new double[37];
        BernoulliKernel.rowScores(l, x.castTo(type).dup('c'), rows);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(rowNll.getDouble(i), rows[i], tolerance(type) * Math.abs(rowNll.getDouble(i)), "row " + i);
        }
    }

    /**
     * The float sigmoid of training's Bernoulli pass stays within 2.5·10⁻⁷ of the exact σ (computed in double) over
     * −100 … 100 in steps of 10⁻³ and 10⁵ normal logits of standard deviation 4, and at the edges: ±∞ and the largest floats give 1 and at most 4.2·10⁻⁸, NaN stays
     * NaN.
     */
    @org.junit.jupiter.api.Test
    void floatSigmoidIsWithinFourFloatStepsOfTheExactValue() {
        double worst = 0;
        for (int k = -100_000; k <= 100_000; k++) {
            float l = k * 1e-3f;
            double exact = 1 / (1 + Math.exp(-(double) l));
            worst = Math.max(worst, Math.abs(BernoulliKernel.sigmoid(l) - exact));
        }
        java.util.Random random = new java.util.Random(11);
        for (int k = 0; k < 100_000; k++) {
            float l = (float) (random.nextGaussian() * 4);
            double exact = 1 / (1 + Math.exp(-(double) l));
            worst = Math.max(worst, Math.abs(BernoulliKernel.sigmoid(l) - exact));
        }
        assertTrue(worst < 2.5e-7, "largest error " + worst);
        assertEquals(1f, BernoulliKernel.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(1f, BernoulliKernel.sigmoid(Float.MAX_VALUE));
        assertTrue(BernoulliKernel.sigmoid(Float.NEGATIVE_INFINITY) < 4.2e-8);
        assertTrue(BernoulliKernel.sigmoid(-Float.MAX_VALUE) >= 0);
        assertEquals(0.5f, BernoulliKernel.sigmoid(0f));
        assertTrue(Float.isNaN(BernoulliKernel.sigmoid(Float.NaN)));
    }
}
