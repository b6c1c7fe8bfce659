package io.github.vae4j.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The part of the Bernoulli loss after the sigmoid, as one chunked Java pass over logits l, data x and s = σ(l):
 * turns s into the gradient σ(l) − x and returns Σ [softplus(l) − x·l], using softplus(l) = relu(l) − log σ(|l|)
 * and σ(|l|) = max(σ(l), 1 − σ(l)).
 *
 * <p>The logarithm is taken once per group of {@value #GROUP} values, of the product of their σ(|l|): each factor is
 * in [½, 1], so a product of {@value #GROUP} stays above 2⁻⁶⁴ and the sum of logs equals the log of products.
 * That turns a transcendental pass over every element into one per 64 elements. Products are taken in double, so the result is as accurate as the per-element sum.
 */
public final class BernoulliKernel {

    static final int GROUP = 64;
    private static final int CHUNK = 64 * GROUP;

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[3][CHUNK]);
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[3][CHUNK]);

    private BernoulliKernel() {
    }

    /** Whether logits and data are FLOAT or DOUBLE alike, contiguous, of one shape and memory order. */
    public static boolean applies(INDArray logits, INDArray x) {
        DataType t = logits.dataType();
        return (t == DataType.FLOAT || t == DataType.DOUBLE) && x.dataType() == t
                && logits.ordering() == x.ordering() && logits.elementWiseStride() == 1
                && x.elementWiseStride() == 1 && java.util.Arrays.equals(logits.shape(), x.shape());
    }

    /**
     * sigma ← sigma − x; returns Σ softplus(l) − x·l over all elements. Requires {@link #applies} for logits and x,
     * and sigma = σ(logits) of the same shape, type and order.
     */
    public static double gradientAndScore(INDArray logits, INDArray x, INDArray sigma) {
        double[] total = new double[1];
        spans(logits, x, sigma, 1, Math.toIntExact(logits.length()), true, total);
        return total[0];
    }

    /**
     * Per-row negative log-likelihood Σ_j softplus(l_ij) − x_ij·l_ij into {@code out} (one value per row), for
     * 'c'-order [rows, d] logits and x ({@link #applies}) and sigma = σ(logits) alike; sigma is left unchanged.
     */
    public static void rowScores(INDArray logits, INDArray x, INDArray sigma, double[] out) {
        spans(logits, x, sigma, Math.toIntExact(logits.size(0)), Math.toIntExact(logits.size(1)), false, out);
    }

    /**
     * Σ softplus(l) − x·l over {@code count} consecutive spans of {@code length} elements in buffer order, one
     * result per span, optionally writing σ − x over sigma. The buffers are resolved once for all spans.
     */
    private static void spans(INDArray logits, INDArray x, INDArray sigma, int count, int length, boolean gradient,
            double[] out) {
        int lo = Math.toIntExact(logits.offset());
        int xo = Math.toIntExact(x.offset());
        int so = Math.toIntExact(sigma.offset());
        if (logits.dataType() == DataType.FLOAT) {
            FloatBuffer l = logits.data().asNioFloat();
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer s = sigma.data().asNioFloat();
            for (int r = 0, at = 0; r < count; r++, at += length) {
                out[r] = floats(l, lo + at, xb, xo + at, s, so + at, length, gradient);
            }
        } else {
            DoubleBuffer l = logits.data().asNioDouble();
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer s = sigma.data().asNioDouble();
            for (int r = 0, at = 0; r < count; r++, at += length) {
                out[r] = doubles(l, lo + at, xb, xo + at, s, so + at, length, gradient);
            }
        }
    }

    private static double floats(FloatBuffer l, int lo, FloatBuffer x, int xo, FloatBuffer s, int so, int n,
            boolean gradient) {
        float[][] buf = FLOATS.get();
        float[] la = buf[0];
        float[] xa = buf[1];
        float[] sa = buf[2];
        double linear = 0;
        double logSigmaAbs = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            l.get(lo + c, la, 0, len);
            x.get(xo + c, xa, 0, len);
            s.get(so + c, sa, 0, len);
            float lin = 0;
            for (int g = 0; g < len; g += GROUP) {
                int end = Math.min(g + GROUP, len);
                double prod = 1;
                for (int i = g; i < end; i++) {
                    float si = sa[i];
                    float li = la[i];
                    float xi = xa[i];
                    prod *= Math.max(si, 1f - si);
                    lin += Math.max(li, 0f) - xi * li;
                    sa[i] = si - xi;
                }
                logSigmaAbs += Math.log(prod);
            }
            linear += lin;
            if (gradient) {
                s.put(so + c, sa, 0, len);
            }
        }
        return linear - logSigmaAbs;
    }

    private static double doubles(DoubleBuffer l, int lo, DoubleBuffer x, int xo, DoubleBuffer s, int so, int n,
            boolean gradient) {
        double[][] buf = DOUBLES.get();
        double[] la = buf[0];
        double[] xa = buf[1];
        double[] sa = buf[2];
        double linear = 0;
        double logSigmaAbs = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            l.get(lo + c, la, 0, len);
            x.get(xo + c, xa, 0, len);
            s.get(so + c, sa, 0, len);
            for (int g = 0; g < len; g += GROUP) {
                int end = Math.min(g + GROUP, len);
                double prod = 1;
                for (int i = g; i < end; i++) {
                    double si = sa[i];
                    double li = la[i];
                    double xi = xa[i];
                    prod *= Math.max(si, 1 - si);
                    linear += Math.max(li, 0) - xi * li;
                    sa[i] = si - xi;
                }
                logSigmaAbs += Math.log(prod);
            }
            if (gradient) {
                s.put(so + c, sa, 0, len);
            }
        }
        return linear - logSigmaAbs;
    }
}
