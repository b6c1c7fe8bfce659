package io.github.vae4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures the SGEMM rate of ND4J's BLAS into a preallocated output ({@code Nd4j.gemm}), the machine's practical
 * peak for the matrix products a VAE training step is made of.
 */
public final class GemmBenchmark {

    private GemmBenchmark() {
    }

    /** One measured shape: C[m,n] = A[m,k]·B[k,n]. */
    public record Result(int m, int k, int n, boolean transA, boolean transB, double gflops, double microsPerCall) {
        public String shape() {
            return m + "x" + k + "x" + n + (transA ? " (A^T)" : "") + (transB ? " (B^T)" : "");
        }

        public double flop() {
            return 2.0 * m * k * n;
        }
    }

    /** Median-of-repeats GFLOP/s of {@code Nd4j.gemm} at m×k×n, running for about {@code seconds}. */
    public static Result measure(int m, int k, int n, double seconds) {
        return measure(m, k, n, false, false, seconds);
    }

    /**
     * Median-of-repeats GFLOP/s of C[m,n] = op(A)·op(B) with op a transpose where asked (A stored [k, m] when
     * transposed, B stored [n, k]), the forms a dense layer's forward, weight-gradient and input-gradient take.
     */
    public static Result measure(int m, int k, int n, boolean transA, boolean transB, double seconds) {
        INDArray a = transA ? Nd4j.rand(DataType.FLOAT, k, m) : Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = transB ? Nd4j.rand(DataType.FLOAT, n, k) : Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
        for (int i = 0; i < 5; i++) {
            Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
        }
        double flop = 2.0 * m * k * n;
        long t0 = System.nanoTime();
        Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
        double once = Math.max(System.nanoTime() - t0, 1);
        int reps = (int) Math.max(3, Math.min(100_000, seconds * 1e9 / once / 5));
        double[] rates = new double[5];
        for (int r = 0; r < 5; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
            }
            rates[r] = (System.nanoTime() - s) / (double) reps;
        }
        java.util.Arrays.sort(rates);
        double ns = rates[2];
        return new Result(m, k, n, transA, transB, flop / ns, ns / 1000.0);
    }

    /**
     * The SGEMMs of one training step of a stack of dense layers at minibatch {@code batch}: for each layer
     * nIn→nOut the forward product [batch,nIn]·[nIn,nOut], the weight gradient [nIn,batch]·[batch,nOut] and the
     * input gradient [batch,nOut]·[nOut,nIn], each measured for about {@code seconds}.
     */
    public static java.util.List<Result> trainingStep(int batch, int[][] layers, double seconds) {
        java.util.List<Result> out = new java.util.ArrayList<>();
        for (int[] l : layers) {
            out.add(measure(batch, l[0], l[1], false, false, seconds));
            out.add(measure(l[0], batch, l[1], true, false, seconds));
            out.add(measure(batch, l[1], l[0], false, true, seconds));
        }
        return out;
    }

    /** Time-weighted rate of a set of products: total FLOP over total time, GFLOP/s. */
    public static double combinedGflops(java.util.List<Result> results) {
        double flop = 0;
        double micros = 0;
        for (Result r : results) {
            flop += r.flop();
            micros += r.microsPerCall();
        }
        return flop / (micros * 1000.0);
    }

    public static void main(String[] args) {
        int[][] shapes = {{1024, 1024, 1024}, {128, 784, 400}, {128, 400, 40}, {128, 400, 784}, {784, 128, 400}};
        for (int[] s : shapes) {
            Result r = measure(s[0], s[1], s[2], 1.0);
            org.slf4j.LoggerFactory.getLogger(GemmBenchmark.class).info("sgemm {} {} GFLOP/s ({} us/call)",
                    r.shape(), String.format("%.1f", r.gflops()), String.format("%.1f", r.microsPerCall()));
        }
    }
}
