package io.github.vae4j.engine;

import io.github.vae4j.util.SpinningWorkers;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * C ← α·op(A)·op(B) + β·C, the matrix product of every vae4j layer, with {@link Nd4j#gemm}'s signature and result.
 *
 * <p>Two differences in how it runs: it calls OpenBLAS's {@code cblas_?gemm} (the library ND4J's own matmul op ends in)
 * directly on the arrays' memory, without the op's per-call set-up; and a large product is split into blocks of C
 * (columns, or rows of a row-major C), computed on the calling thread and a worker thread at once
 * ({@link SpinningWorkers}). Each block is the same BLAS call on a slice, so the result does not depend on which thread
 * computed which block. Arrays that BLAS cannot address directly (not 2-d, no unit stride in either dimension, other
 * data types) go to {@link Nd4j#gemm} unchanged. {@code GemmTest} checks every transpose and layout against {@link Nd4j#gemm}.
 *
 * <p>Why split products and not the minibatch: at VAE sizes a step is about 60% GEMM; splitting each product over two
 * threads keeps one forward and backward pass per step, where two half-batch passes each pay the pass's fixed cost
 * (docs/performance.md has both measured).
 */
public final class Gemm {

    /** Products below this many multiply-adds run on the calling thread alone: the hand-off would cost more. */
    static final long PARALLEL_MIN_MACS = 1L << 20;

    /**
     * Blocks a large product is split into, whatever the thread count: fixed, because OpenBLAS may pick different
     * kernels for different block widths, and the result must not depend on the machine. Four blocks on two threads
     * let the caller take a late worker's share in halves.
     */
    static final int BLOCKS = 4;

    private Gemm() {
    }

    /** C ← α·op(A)·op(B) + β·C, as {@link Nd4j#gemm}{@code (a, b, c, transposeA, transposeB, alpha, beta)}. */
    public static INDArray gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB,
            double alpha, double beta) {
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lc = Layout.of(c);
        DataType t = c.dataType();
        if (la == null || lb == null || lc == null || (t != DataType.FLOAT && t != DataType.DOUBLE)
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
        // BLAS sees every array in column-major order: a row-major array is its transpose there, so its transpose
        // flag flips; a row-major C is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ
        boolean ea = transposeA != la.rowMajor;
        boolean eb = transposeB != lb.rowMajor;
        Product p = lc.rowMajor
                ? new Product(b, lb.ld(), !eb, a, la.ld(), !ea, c, lc.ld(), (int) n, (int) m, (int) k, alpha, beta)
                : new Product(a, la.ld(), ea, b, lb.ld(), eb, c, lc.ld(), (int) m, (int) n, (int) k, alpha, beta);
        SpinningWorkers pool = SpinningWorkers.shared();
        int blocks = m * n * k < PARALLEL_MIN_MACS ? 1 : Math.min(p.n(), BLOCKS);
        pool.run(blocks, i -> p.block(i, blocks));
        return c;
    }

    /**
     * C ← α·op(A)·op(B) + β·C on contiguous row-major matrices that start {@code aAt}, {@code bAt}, {@code cAt}
     * elements into the 'c'-order arrays a, b, c (say, example i of a batch): op(A) is m×k, op(B) k×n, C m×n. One
     * BLAS call on the calling thread, without views; the per-example products of the convolution layers.
     */
    static void rowMajor(INDArray a, long aAt, boolean transposeA, INDArray b, long bAt, boolean transposeB, INDArray c,
            long cAt, int m, int n, int k, double alpha, double beta) {
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        int opA = transposeA ? CblasTrans : CblasNoTrans;
        int opB = transposeB ? CblasTrans : CblasNoTrans;
        for (INDArray x : new INDArray[] {a, b, c}) {
            if (x.ordering() != 'c' || x.elementWiseStride() != 1 || x.dataType() != c.dataType()) {
                throw new IllegalArgumentException("row-major products need contiguous 'c'-order arrays of one type, got "
                        + x.shapeInfoToString());
            }
        }
        if (aAt + (long) m * k > a.length() || bAt + (long) k * n > b.length() || cAt + (long) m * n > c.length()) {
            throw new IllegalArgumentException("row-major product " + m + "x" + k + " · " + k + "x" + n
                    + " runs past an array");
        }
        if (c.dataType() == DataType.FLOAT) {
            cblas_sgemm(CblasRowMajor, opA, opB, m, n, k, (float) alpha,
                    new FloatPointer(a.data().addressPointer()).position(start(a) + aAt), lda,
                    new FloatPointer(b.data().addressPointer()).position(start(b) + bAt), ldb, (float) beta,
                    new FloatPointer(c.data().addressPointer()).position(start(c) + cAt), n);
        } else {
            cblas_dgemm(CblasRowMajor, opA, opB, m, n, k, alpha,
                    new DoublePointer(a.data().addressPointer()).position(start(a) + aAt), lda,
                    new DoublePointer(b.data().addressPointer()).position(start(b) + bAt), ldb, beta,
                    new DoublePointer(c.data().addressPointer()).position(start(c) + cAt), n);
        }
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

    /**
     * One product in BLAS's column-major terms, C[m×n] ← α·op(X)·op(Y) + β·C with op given by the transpose flags,
     * and its column blocks.
     */
    private record Product(INDArray x, int ldx, boolean tx, INDArray y, int ldy, boolean ty, INDArray c, int ldc,
                           int m, int n, int k, double alpha, double beta) {

        /** Block i of {@code blocks}: columns [j0, j1) of C, C[:, j0:j1] ← α·op(X)·op(Y)[:, j0:j1] + β·C[:, j0:j1]. */
        void block(int i, int blocks) {
            int j0 = (int) ((long) i * n / blocks);
            int j1 = (int) ((long) (i + 1) * n / blocks);
            if (j1 == j0) {
                return;
            }
            // column j of op(Y): column j of Y (ld apart) when not transposed, row j of Y (adjacent) when transposed
            long yOffset = start(y) + (ty ? j0 : (long) j0 * ldy);
            long cOffset = start(c) + (long) j0 * ldc;
            int opX = tx ? CblasTrans : CblasNoTrans;
            int opY = ty ? CblasTrans : CblasNoTrans;
            if (c.dataType() == DataType.FLOAT) {
                FloatPointer px = new FloatPointer(x.data().addressPointer()).position(start(x));
                FloatPointer py = new FloatPointer(y.data().addressPointer()).position(yOffset);
                FloatPointer pc = new FloatPointer(c.data().addressPointer()).position(cOffset);
                cblas_sgemm(CblasColMajor, opX, opY, m, j1 - j0, k, (float) alpha, px, ldx, py, ldy, (float) beta, pc, ldc);
            } else {
                DoublePointer px = new DoublePointer(x.data().addressPointer()).position(start(x));
                DoublePointer py = new DoublePointer(y.data().addressPointer()).position(yOffset);
                DoublePointer pc = new DoublePointer(c.data().addressPointer()).position(cOffset);
                cblas_dgemm(CblasColMajor, opX, opY, m, j1 - j0, k, alpha, px, ldx, py, ldy, beta, pc, ldc);
            }
        }
    }
}
