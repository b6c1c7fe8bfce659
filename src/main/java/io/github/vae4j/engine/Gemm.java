package io.github.vae4j.engine;

import io.github.vae4j.util.SpinningWorkers;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * C ← α·op(A)·op(B) + β·C, the matrix product of every vae4j layer, with {@link Nd4j#gemm}'s signature and result.
 *
 * <p>Two differences in how it runs: it calls OpenBLAS's {@code cblas_?gemm} (the library ND4J's own matmul op ends in)
 * directly on the arrays' memory, without the op's per-call set-up; and a large product is split into column blocks of
 * C, computed on the calling thread and a worker thread at once ({@link SpinningWorkers}). Each block is the same
 * BLAS call on a slice, so the result does not depend on which thread computed which block. Arrays that BLAS cannot
 * address directly (not 2-d, no unit stride in either dimension, C not column-major, other data types) go to
 * {@link Nd4j#gemm} unchanged. {@code GemmTest} checks every transpose and layout against {@link Nd4j#gemm}.
 *
 * <p>Why split products and not the minibatch: at VAE sizes a step is about 60% GEMM; splitting each product over two
 * threads keeps one forward and backward pass per step, where two half-batch passes each pay the pass's fixed cost
 * (docs/performance.md has both measured).
 */
public final class Gemm {

    /** Products below this many multiply-adds run on the calling thread alone: the hand-off would cost more. */
    static final long PARALLEL_MIN_MACS = 1L << 20;

    /** Column blocks per worker thread and the caller: a little more than one each, so a late worker costs less. */
    private static final int BLOCKS_PER_THREAD = 2;

    private Gemm() {
    }

    /** C ← α·op(A)·op(B) + β·C, as {@link Nd4j#gemm}{@code (a, b, c, transposeA, transposeB, alpha, beta)}. */
    public static INDArray gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB,
            double alpha, double beta) {
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lc = Layout.of(c);
        DataType t = c.dataType();
        if (la == null || lb == null || lc == null || lc.rowMajor || (t != DataType.FLOAT && t != DataType.DOUBLE)
                || a.dataType() != t || b.dataType() != t) {
            return Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
        }
        long m = c.size(0);
        long n = c.size(1);
        long k = transposeA ? a.size(0) : a.size(1);
        long km = transposeA ? a.size(1) : a.size(0);
        long kn = transposeB ? b.size(1) : b.size(0);
        if (km != m || kn != k || (transposeB ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: op(A) " + km + "x" + k + ", op(B) " + kn + "x"
                    + (transposeB ? b.size(0) : b.size(1)) + ", C " + m + "x" + n);
        }
        if (m == 0 || n == 0) {
            return c;
        }
        // a row-major array is its transpose in column-major order: flip the transpose flag
        boolean ta = transposeA != la.rowMajor;
        boolean tb = transposeB != lb.rowMajor;
        SpinningWorkers pool = pool();
        int blocks = m * n * k < PARALLEL_MIN_MACS || pool.threads() == 1 ? 1
                : (int) Math.min(n, (long) pool.threads() * BLOCKS_PER_THREAD);
        Product p = new Product(a, la, ta, b, lb, tb, c, lc, (int) m, (int) n, (int) k, alpha, beta, blocks);
        pool.run(blocks, p::block);
        return c;
    }

    private static SpinningWorkers pool() {
        return SpinningWorkers.shared();
    }

    /** Where BLAS finds a 2-d array: column-major with leading dimension ld, or row-major (its transpose). */
    private record Layout(boolean rowMajor, int ld) {
        static Layout of(INDArray x) {
            if (x.rank() != 2) {
                return null;
            }
            long rows = x.size(0);
            long cols = x.size(1);
            long s0 = x.stride(0);
            long s1 = x.stride(1);
            if ((s0 == 1 || rows == 1) && (cols == 1 || s1 >= Math.max(1, rows))) {
                return new Layout(false, (int) Math.max(cols == 1 ? rows : s1, 1));
            }
            if ((s1 == 1 || cols == 1) && (rows == 1 || s0 >= Math.max(1, cols))) {
                return new Layout(true, (int) Math.max(rows == 1 ? cols : s0, 1));
            }
            return null;
        }
    }

    /**
     * Where an array starts, in elements from its buffer's address pointer: a view's buffer already points at the
     * view's first element (its address pointer includes {@code data().offset()}), so only the difference counts.
     */
    private static long start(INDArray x) {
        return x.offset() - x.data().offset();
    }

    /** One product and its column blocks. */
    private record Product(INDArray a, Layout la, boolean ta, INDArray b, Layout lb, boolean tb, INDArray c, Layout lc,
                           int m, int n, int k, double alpha, double beta, int blocks) {

        /** Columns [j0, j1) of C: C[:, j0:j1] ← α·op(A)·op(B)[:, j0:j1] + β·C[:, j0:j1]. */
        void block(int i) {
            int j0 = (int) ((long) i * n / blocks);
            int j1 = (int) ((long) (i + 1) * n / blocks);
            if (j1 == j0) {
                return;
            }
            // column j of op(B): column j of B (ld apart) when not transposed, row j of B (adjacent) when transposed
            long bOffset = start(b) + (tb ? j0 : (long) j0 * lb.ld());
            long cOffset = start(c) + (long) j0 * lc.ld();
            int lda = la.ld();
            int ldb = lb.ld();
            int ldc = lc.ld();
            int opA = ta ? CblasTrans : CblasNoTrans;
            int opB = tb ? CblasTrans : CblasNoTrans;
            if (c.dataType() == DataType.FLOAT) {
                FloatPointer pa = new FloatPointer(a.data().addressPointer()).position(start(a));
                FloatPointer pb = new FloatPointer(b.data().addressPointer()).position(bOffset);
                FloatPointer pc = new FloatPointer(c.data().addressPointer()).position(cOffset);
                cblas_sgemm(CblasColMajor, opA, opB, m, j1 - j0, k, (float) alpha, pa, lda, pb, ldb, (float) beta, pc, ldc);
            } else {
                DoublePointer pa = new DoublePointer(a.data().addressPointer()).position(start(a));
                DoublePointer pb = new DoublePointer(b.data().addressPointer()).position(bOffset);
                DoublePointer pc = new DoublePointer(c.data().addressPointer()).position(cOffset);
                cblas_dgemm(CblasColMajor, opA, opB, m, j1 - j0, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
        }
    }
}
