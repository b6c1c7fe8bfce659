package io.github.vae4j.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The affine map y = x·W + 1·bᵀ of a dense layer and its gradients, each product one BLAS call into a preallocated
 * array. Where BLAS adds the bias, it is a rank-1 product with a column of ones (and its gradient 1ᵀ·δ) instead of
 * ND4J's row-vector broadcast and column sum (the first row of the change log in docs/benchmarks.md). The layers
 * with a Java element-wise pass ({@link BiasActivationKernel}, {@link LatentKernel}) add the bias and sum its gradient there
 * and use only {@link #product} and {@link #weightGradient}.
 */
public final class Affine {

    /** Detached columns of ones, by data type and length; bounded, as minibatch sizes are few. */
    private static final Map<Long, INDArray> ONES = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 64;

    private Affine() {
    }

    /** out ← x·W + 1·b and returns out; {@code out} [rows, nOut] with unit element stride, b of length nOut. */
    public static INDArray forward(INDArray x, INDArray w, INDArray b, INDArray out) {
        Gemm.gemm(ones(out.dataType(), x.size(0)), asRow(b), out, false, false, 1.0, 0.0);
        Gemm.gemm(x, w, out, false, false, 1.0, 1.0);
        return out;
    }

    /** out ← x·W, without the bias (for callers that add it in their own pass). */
    public static void product(INDArray x, INDArray w, INDArray out) {
        Gemm.gemm(x, w, out, false, false, 1.0, 0.0);
    }

    /** dW ← xᵀ·δ and db ← 1ᵀ·δ, written into the gradient views (db of length nOut). */
    public static void parameterGradients(INDArray x, INDArray delta, INDArray weightGrad, INDArray biasGrad) {
        weightGradient(x, delta, weightGrad);
        Gemm.gemm(ones(delta.dataType(), delta.size(0)), delta, asRow(biasGrad), true, false, 1.0, 0.0);
    }

    /** dW ← xᵀ·δ, written into the gradient view. */
    public static void weightGradient(INDArray x, INDArray delta, INDArray weightGrad) {
        Gemm.gemm(x, delta, weightGrad, true, false, 1.0, 0.0);
    }

    /** dx ← δ·Wᵀ. */
    public static void inputGradient(INDArray delta, INDArray w, INDArray out) {
        Gemm.gemm(delta, w, out, false, true, 1.0, 0.0);
    }

    /** A vector as a [1, n] view (rank-1 parameter views, such as the fused posterior bias, are reshaped). */
    private static INDArray asRow(INDArray v) {
        return v.rank() == 2 ? v : v.reshape(1, v.length());
    }

    /** A [n, 1] column of ones outside every workspace; callers must not write to it. */
    static INDArray ones(DataType dataType, long n) {
        long key = ((long) dataType.ordinal() << 40) | n;
        INDArray cached = ONES.get(key);
        if (cached != null) {
            return cached;
        }
        if (ONES.size() >= MAX_CACHED) {
            ONES.clear();
        }
        try (var ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return ONES.computeIfAbsent(key, k -> Nd4j.ones(dataType, n, 1));
        }
    }
}
