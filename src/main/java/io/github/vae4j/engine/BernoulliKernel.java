package io.github.vae4j.engine;

import io.github.vae4j.util.SpinningWorkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The Bernoulli loss as chunked Java passes over logits l, data x and s = σ(l): the gradient σ(l) − x and
 * Σ [softplus(l) − x·l], using softplus(l) = relu(l) − log σ(|l|) and σ(|l|) = max(σ(l), 1 − σ(l)).
 *
 * <p>Training's pass ({@link #gradientAndScore}) computes σ itself, in four fixed element ranges on the calling thread
 * and the shared workers ({@link SpinningWorkers}); the partial sums are added in range order, so the result does not
 * depend on the thread count. FLOAT logits take {@link #sigmoid(float)}, a form HotSpot vectorizes (for a 128×784
 * batch, ND4J's sigmoid op alone takes 0.26 ms on one thread, this whole pass 0.13–0.17 ms on two:
 * {@code bench.KernelBenchmark}); DOUBLE logits (the gradient checks) take
 * 1 / (1 + e^−l) with {@link Math#exp}. Evaluation's per-row scores ({@link #rowScores}) compute σ the same way.
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

    /** Element ranges training's pass is split into, whatever the thread count. */
    static final int PARTS = 4;

    /**
     * gradient ← σ(l) − x; returns Σ softplus(l) − x·l over all elements. Requires {@link #applies} for logits and x;
     * gradient is an array of the same shape, type and order (its values are overwritten).
     */
    public static double gradientAndScore(INDArray logits, INDArray x, INDArray gradient) {
        int n = Math.toIntExact(logits.length());
        // ranges of whole groups, so that the grouping of logarithms does not depend on the split
        int per = (n / PARTS + GROUP - 1) / GROUP * GROUP;
        double[] partial = new double[PARTS];
        SpinningWorkers.shared().run(PARTS, p -> {
            int from = Math.min(n, p * per);
            int to = p == PARTS - 1 ? n : Math.min(n, from + per);
            partial[p] = to > from ? span(logits, x, gradient, from, to - from) : 0;
        });
        double total = 0;
        for (double v : partial) {
            total += v;
        }
        return total;
    }

    /**
     * σ(l) = e^min(l, 0) / (1 + e^−|l|), with e^−|l| = (e^−|l|/16)^16 and e^−|l|/16 by its Taylor polynomial of degree
     * 10 (|l|/16 ≤ 17/16, where the truncation is below 5·10⁻⁸ in absolute terms), and e^min(l, 0) chosen by min/max
     * arithmetic: 1 for l ≥ 0, e^−|l| below. Only multiplications, additions, min and max: HotSpot vectorizes a loop
     * of these. |l| is capped at 17 (σ(17) rounds to 1 in float; below −17, σ reads 4.1·10⁻⁸ instead of less). Within
     * 2.5·10⁻⁷ of the exact σ as measured (four float steps at ½; {@code KernelsTest} sweeps −100 … 100 in steps of
     * 10⁻³ and 10⁵ random logits).
     */
    static float sigmoid(float l) {
        float t = Math.min(Math.max(l, -l), 17f) * (-1f / 16f);
        float q = 1f + t * (1f + t * (1f / 2 + t * (1f / 6 + t * (1f / 24 + t * (1f / 120 + t * (1f / 720
                + t * (1f / 5040 + t * (1f / 40320 + t * (1f / 362880 + t * (1f / 3628800))))))))));
        q *= q;
        q *= q;
        q *= q;
        q *= q;
        float numerator = Math.max(q, Math.min(1f, Math.max(0f, 1f + l * 1e30f)));
        return numerator / (1f + q);
    }

    /** σ(l) into s for the first len values of l, by {@link #sigmoid(float)}. */
    private static void sigmoid(float[] l, float[] s, int len) {
        for (int i = 0; i < len; i++) {
            s[i] = sigmoid(l[i]);
        }
    }

    /** Training's pass over one element range [from, from + len): gradient ← σ(l) − x there; returns its score. */
    private static double span(INDArray logits, INDArray x, INDArray gradient, int from, int len) {
        int lo = Math.toIntExact(logits.offset()) + from;
        int xo = Math.toIntExact(x.offset()) + from;
        int go = Math.toIntExact(gradient.offset()) + from;
        if (logits.dataType() == DataType.FLOAT) {
            return floats(logits.data().asNioFloat(), lo, x.data().asNioFloat(), xo, gradient.data().asNioFloat(), go,
                    len, true);
        }
        return doubles(logits.data().asNioDouble(), lo, x.data().asNioDouble(), xo, gradient.data().asNioDouble(), go,
                len, true);
    }

    /**
     * Per-row negative log-likelihood Σ_j softplus(l_ij) − x_ij·l_ij into {@code out} (one value per row), for
     * 'c'-order [rows, d] logits and x ({@link #applies}), σ computed as in training's pass.
     */
    public static void rowScores(INDArray logits, INDArray x, double[] out) {
        int count = Math.toIntExact(logits.size(0));
        int length = Math.toIntExact(logits.size(1));
        int lo = Math.toIntExact(logits.offset());
        int xo = Math.toIntExact(x.offset());
        if (logits.dataType() == DataType.FLOAT) {
            FloatBuffer l = logits.data().asNioFloat();
            FloatBuffer xb = x.data().asNioFloat();
            for (int r = 0, at = 0; r < count; r++, at += length) {
                out[r] = floats(l, lo + at, xb, xo + at, null, 0, length, false);
            }
        } else {
            DoubleBuffer l = logits.data().asNioDouble();
            DoubleBuffer xb = x.data().asNioDouble();
            for (int r = 0, at = 0; r < count; r++, at += length) {
                out[r] = doubles(l, lo + at, xb, xo + at, null, 0, length, false);
            }
        }
    }

    /**
     * Σ softplus(l) − x·l over the n elements from lo (l) and xo (x), σ computed from l; with {@code gradient}, σ − x is
     * written to s from so.
     */
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
            sigmoid(la, sa, len);
            // four independent running products and sums (lanes i mod 4): a single chain of dependent
            // multiplications and additions runs at a quarter of the speed
            float lin0 = 0;
            float lin1 = 0;
            float lin2 = 0;
            float lin3 = 0;
            for (int g = 0; g < len; g += GROUP) {
                int end = Math.min(g + GROUP, len);
                double p0 = 1;
                double p1 = 1;
                double p2 = 1;
                double p3 = 1;
                int i = g;
                for (; i + 3 < end; i += 4) {
                    p0 *= Math.max(sa[i], 1f - sa[i]);
                    p1 *= Math.max(sa[i + 1], 1f - sa[i + 1]);
                    p2 *= Math.max(sa[i + 2], 1f - sa[i + 2]);
                    p3 *= Math.max(sa[i + 3], 1f - sa[i + 3]);
                    lin0 += Math.max(la[i], 0f) - xa[i] * la[i];
                    lin1 += Math.max(la[i + 1], 0f) - xa[i + 1] * la[i + 1];
                    lin2 += Math.max(la[i + 2], 0f) - xa[i + 2] * la[i + 2];
                    lin3 += Math.max(la[i + 3], 0f) - xa[i + 3] * la[i + 3];
                }
                for (; i < end; i++) {
                    p0 *= Math.max(sa[i], 1f - sa[i]);
                    lin0 += Math.max(la[i], 0f) - xa[i] * la[i];
                }
                logSigmaAbs += Math.log((p0 * p1) * (p2 * p3));
            }
            linear += (lin0 + lin1) + (lin2 + lin3);
            if (gradient) {
                for (int i = 0; i < len; i++) {
                    sa[i] -= xa[i];
                }
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
            for (int i = 0; i < len; i++) {
                sa[i] = 1 / (1 + Math.exp(-la[i]));
            }
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
