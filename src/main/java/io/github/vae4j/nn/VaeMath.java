package io.github.vae4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Numerically stable element-wise functions shared by the variational layer and the likelihood losses.
 * All methods allocate their result (inputs are never modified) unless the name ends in {@code i}.
 */
public final class VaeMath {

    /** log(2π), used by the Gaussian log-densities. */
    public static final double LOG_2PI = Math.log(2 * Math.PI);

    private VaeMath() {
    }

    /**
     * softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^{-|x|}) so that it neither overflows for large
     * x nor loses precision for very negative x.
     */
    public static INDArray softplus(INDArray x) {
        INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(x, true).negi(), false), false);
        return Transforms.relu(x, true).addi(tail);
    }

    /**
     * A smooth two-sided clamp of x into (lo, hi): x + softplus(lo − x) − softplus(x − hi).
     * It is the identity up to terms of order e^{-(x-lo)} and e^{-(hi-x)}, so gradients in the normal range are
     * unchanged, and it never has a zero gradient, so a unit pushed far out can always come back.
     */
    public static INDArray softClamp(INDArray x, double lo, double hi) {
        INDArray below = softplus(x.rsub(lo));
        INDArray above = softplus(x.sub(hi));
        return x.add(below).subi(above);
    }

    /** d softClamp(x)/dx = 1 − σ(lo − x) − σ(x − hi), always in (0, 1]. */
    public static INDArray softClampDerivative(INDArray x, double lo, double hi) {
        INDArray below = Transforms.sigmoid(x.rsub(lo), false);
        INDArray above = Transforms.sigmoid(x.sub(hi), false);
        return below.addi(above).rsubi(1.0);
    }

    /** log Σ_i exp(a_i), computed around the largest a_i so that nothing overflows; −∞ for no finite term. */
    public static double logSumExp(double[] a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double v : a) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /**
     * Closed-form KL(N(μ, diag σ²) ‖ N(0, I)) per example: ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1).
     *
     * @param mu     [minibatch, latent]
     * @param logVar [minibatch, latent], log σ²
     * @return [minibatch, 1] KL in nats
     */
    public static INDArray klDivergencePerExample(INDArray mu, INDArray logVar) {
        return klDivergencePerDimension(mu, logVar).sum(true, 1);
    }

    /** Element-wise ½ (μ² + σ² − log σ² − 1), shape [minibatch, latent]. */
    public static INDArray klDivergencePerDimension(INDArray mu, INDArray logVar) {
        INDArray kl = Transforms.exp(logVar, true).subi(logVar).subi(1.0);
        return kl.addi(mu.mul(mu)).muli(0.5);
    }
}
