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
        double kl = VaeMath.klDivergencePerExample(mu, logVar).sumNumber().doubleValue();
        // ∂/∂μ (dz·z + β KL) = dz + β μ;  ∂/∂log σ² = ½ dz σ ε + ½ β (σ² − 1);  chain rule through the clamp
        INDArray sigma = Transforms.exp(logVar.mul(0.5), true);
        INDArray dMu = dz.add(mu.mul(beta));
        INDArray dLogVar = dz.mul(sigma).muli(eps).muli(0.5).addi(Transforms.exp(logVar, true).subi(1).muli(0.5 * beta));
        INDArray dRaw = dLogVar.mul(VaeMath.softClampDerivative(rawLogVar, LO, HI));
        INDArray dHeads = Nd4j.hstack(dMu, dRaw);

        // the kernel, in the tested precision
        LatentKernel kernel = new LatentKernel(rows, latent);
        INDArray zOut = Nd4j.create(type, new long[] {rows, latent}, 'f');
        double kernelKl = kernel.forward(product.castTo(type).dup('f'), bias.castTo(type).reshape(2 * latent),
                eps.castTo(type).dup('f'), zOut, LO, HI);
        INDArray dHeadsOut = Nd4j.create(type, new long[] {rows, 2 * latent}, 'f');
        INDArray biasGrad = Nd4j.create(type, 2 * latent);
        kernel.backward(dz.castTo(type).dup('f'), beta, dHeadsOut, biasGrad);

        double tol = tolerance(type);
        assertEquals(kl, kernelKl, tol * Math.abs(kl));
        assertTrue(maxRelDiff(zOut, z) < tol, "z differs by " + maxRelDiff(zOut, z));
        assertTrue(maxRelDiff(dHeadsOut, dHeads) < tol, "gradient differs by " + maxRelDiff(dHeadsOut, dHeads));
        INDArray biasSum = dHeads.sum(0);
        assertTrue(maxRelDiff(biasGrad, biasSum) < tol * rows, "bias gradient differs by " + maxRelDiff(biasGrad, biasSum));

        // inference (no ε): z = μ
        kernel.forward(product.castTo(type).dup('f'), bias.castTo(type).reshape(2 * latent), null, zOut, LO, HI);
        assertTrue(maxRelDiff(zOut, mu) < tol);
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
            INDArray sigma = Transforms.sigmoid(l, true);
            double kernelScore = BernoulliKernel.gradientAndScore(l, xs, sigma);
            assertEquals(score, kernelScore, tolerance(type) * Math.abs(score), "order " + order);
            assertTrue(maxRelDiff(sigma, gradient) < tolerance(type), "gradient, order " + order);
        }
        INDArray l = logits.castTo(type).dup('c');
        double[] rows = new double[37];
        BernoulliKernel.rowScores(l, x.castTo(type).dup('c'), Transforms.sigmoid(l, true), rows);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(rowNll.getDouble(i), rows[i], tolerance(type) * Math.abs(rowNll.getDouble(i)), "row " + i);
        }
    }
}
