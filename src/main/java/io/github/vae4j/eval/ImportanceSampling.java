package io.github.vae4j.eval;

import io.github.vae4j.model.Inputs;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.model.ScratchWorkspace;
import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Importance-sampled marginal log-likelihood (Burda et al., "Importance Weighted Autoencoders", 2016):
 * <pre>log p(x) ≈ log (1/k) Σ_i exp(log p(x|z_i) + log p(z_i) − log q(z_i|x)),  z_i ~ q(z|x)</pre>
 * computed in log space with a running log-sum-exp per example. The estimate is a lower bound in expectation that
 * rises with k towards log p(x); k = 1 is the ELBO.
 *
 * <p>log p(x|z) comes from the model itself ({@link LatentVariableModel#reconstructionLogLikelihood}: for a
 * {@code VaeModel}, its graph's own decoder layers and output loss). Examples are split over one thread per core
 * (each with its own copy of the model, {@link LatentVariableModel#forThread()}, its buffers and workspace; every batch of examples
 * draws from its own seeded generator, so results do not depend on the thread count). Memory is bounded whatever
 * k and n: rows (examples × samples) are decoded in chunks of at most {@value #CHUNK_ROWS} rows and at most
 * {@value #CHUNK_VALUES} decoder values ({@link LatentVariableModel#decoderValuesPerExample()}: a conv decoder holds far
 * more per row than a dense one) into
 * buffers allocated once, and the likelihood's temporaries live in a workspace that is reset every chunk (ND4J
 * arrays allocated outside workspaces in a loop are freed only when Java's GC runs, which on a big evaluation means
 * gigabytes of native memory waiting for a collection).
 *
 * <p>Not DL4J's {@code reconstructionLogProbability}, which averages log p(x|z) only (the ELBO's reconstruction
 * part, without the prior and posterior terms).
 */
public final class ImportanceSampling {

    /** Rows (examples × samples) decoded at once. */
    static final int CHUNK_ROWS = 8192;
    /** Decoder values (activations and column buffers) of one chunk, per thread: 256 MB of floats. */
    static final long CHUNK_VALUES = 64L << 20;
    private static final String WORKSPACE = "vae4j-importance-sampling";

    private ImportanceSampling() {
    }

    /**
     * Per-example log p(x) estimates in nats.
     *
     * @param x    [n, inputSize]
     * @param k    importance samples per example, ≥ 1
     * @param seed seed of the z draws
     * @return double[n]
     */
    public static double[] logLikelihood(LatentVariableModel model, INDArray x, int k, long seed) {
        Inputs.checkMatrix(x, model.inputSize(), "x");
        return logLikelihood(model, x, model.encodeInBatches(x), k, seed);
    }

    /** As {@link #logLikelihood(LatentVariableModel, INDArray, int, long)}, for a posterior q(z|x) already computed. */
    public static double[] logLikelihood(LatentVariableModel model, INDArray x, Posterior q, int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = (int) x.size(0);
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        int chunkRows = chunkRows(model);
        int examplesPerPass = Math.max(1, Math.min(n, chunkRows / Math.min(k, chunkRows)));
        int batches = (n + examplesPerPass - 1) / examplesPerPass;
        int threads = Math.max(1, Math.min(batches, Runtime.getRuntime().availableProcessors()));
        if (threads == 1) {
            run(model, x, q, k, seed, out, 0, batches, examplesPerPass, chunkRows, false);
            return out;
        }
        // copies made before any thread starts, so that no copy is taken of a model in use
        LatentVariableModel[] models = new LatentVariableModel[threads];
        for (int t = 0; t < threads; t++) {
            models[t] = t == 0 ? model : model.forThread();
        }
        // contiguous runs of batches per thread; each batch seeds its own generator, so the result does not
        // depend on the number of threads
        java.util.List<java.util.concurrent.Future<?>> parts = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vae4j-importance-sampling");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int t = 0; t < threads; t++) {
                int first = (int) ((long) batches * t / threads);
                int last = (int) ((long) batches * (t + 1) / threads);
                LatentVariableModel copy = models[t];
                // each thread computes on its own core: the shared workers would only compete with the others
                parts.add(pool.submit(() -> io.github.vae4j.util.SpinningWorkers.alone(() -> run(copy, x, q, k, seed,
                        out, first, last, examplesPerPass, chunkRows, true))));
            }
            for (java.util.concurrent.Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("importance sampling interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /**
     * Estimates for the example batches [firstBatch, lastBatch) on the calling thread, into {@code out}; a worker
     * thread frees all its workspaces at the end, the caller's thread only this class's own.
     */
    private static void run(LatentVariableModel model, INDArray x, Posterior q, int k, long seed, double[] out,
            int firstBatch, int lastBatch, int examplesPerPass, int chunkRows, boolean workerThread) {
        int n = (int) x.size(0);
        DataType type = q.mu().dataType();
        int samplesPerPass = Math.max(1, Math.min(k, chunkRows / examplesPerPass));
        Buffers buf = new Buffers(model.latentSize(), type, (long) examplesPerPass * samplesPerPass, x.size(1));
        double[] max = new double[examplesPerPass];
        double[] sum = new double[examplesPerPass];
        try {
            for (int batch = firstBatch; batch < lastBatch; batch++) {
                int from = batch * examplesPerPass;
                int b = Math.min(examplesPerPass, n - from);
                Random rng = Seeds.generator(Seeds.derive(seed, Seeds.Stream.IMPORTANCE_SAMPLING, from));
                buf.loadExamples(x, q, from, b, samplesPerPass);
                Arrays.fill(max, Double.NEGATIVE_INFINITY);
                Arrays.fill(sum, 0.0);
                for (int done = 0; done < k; done += samplesPerPass) {
                    int s = Math.min(samplesPerPass, k - done);
                    double[] w;
                    try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
                        w = buf.logWeights(model, (long) s * b, rng);
                    }
                    accumulate(w, s, b, max, sum);
                }
                for (int i = 0; i < b; i++) {
                    out[from + i] = max[i] + Math.log(sum[i]) - Math.log(k);
                }
            }
        } finally {
            if (workerThread) {
                ScratchWorkspace.releaseAll(); // the thread ends with the evaluation
            } else {
                ScratchWorkspace.release(WORKSPACE); // the caller's other workspaces (DL4J's, the model's) stay
            }
        }
    }

    /** Rows decoded at once: {@value #CHUNK_ROWS}, fewer where the decoder's values per row would pass the budget. */
    static int chunkRows(LatentVariableModel model) {
        long perRow = Math.max(1, model.decoderValuesPerExample());
        return (int) Math.max(1, Math.min(CHUNK_ROWS, CHUNK_VALUES / perRow));
    }

    /** Running log-sum-exp per example of the weights w (row j·b + i is sample j of example i). */
    private static void accumulate(double[] w, int s, int b, double[] max, double[] sum) {
        for (int j = 0; j < s; j++) {
            for (int i = 0; i < b; i++) {
                double v = w[j * b + i];
                if (v > max[i]) {
                    sum[i] = sum[i] * Math.exp(max[i] - v) + 1.0;
                    max[i] = v;
                } else {
                    sum[i] += Math.exp(v - max[i]);
                }
            }
        }
    }

    /** Arrays allocated once per evaluation, sized for a full chunk; rows are sample-major. */
    private static final class Buffers {
        private final INDArray x;
        private final INDArray mu;
        private final INDArray sigma;
        private final INDArray halfLogVarSum;
        private final INDArray eps;
        private final INDArray z;

        Buffers(long latent, DataType type, long rows, long inputSize) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                x = Nd4j.createUninitialized(type, new long[] {rows, inputSize}, 'c');
                mu = Nd4j.createUninitialized(type, new long[] {rows, latent}, 'c');
                sigma = Nd4j.createUninitialized(type, new long[] {rows, latent}, 'c');
                halfLogVarSum = Nd4j.createUninitialized(type, new long[] {rows, 1}, 'c');
                eps = Nd4j.createUninitialized(type, new long[] {rows, latent}, 'c');
                z = Nd4j.createUninitialized(type, new long[] {rows, latent}, 'c');
            }
        }

        /** Tiles examples [from, from + b) s times into the row buffers. */
        void loadExamples(INDArray allX, Posterior q, int from, int b, int s) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                INDArray xb = allX.get(NDArrayIndex.interval(from, from + b), NDArrayIndex.all()).castTo(x.dataType());
                INDArray mb = q.mu().get(NDArrayIndex.interval(from, from + b), NDArrayIndex.all()).castTo(x.dataType());
                INDArray lv = q.logVar().get(NDArrayIndex.interval(from, from + b), NDArrayIndex.all())
                        .castTo(x.dataType());
                INDArray sb = org.nd4j.linalg.ops.transforms.Transforms.exp(lv.mul(0.5), false);
                INDArray hl = lv.sum(true, 1).muli(0.5);
                // rows j·b + i = example i for every sample j: each buffer seen as [s, b·width] gets one row vector
                tile(x, xb, s, b);
                tile(mu, mb, s, b);
                tile(sigma, sb, s, b);
                tile(halfLogVarSum, hl, s, b);
            }
        }

        /** log p(x|z) + log p(z) − log q(z|x) for the first {@code rows} rows, with fresh ε. */
        double[] logWeights(LatentVariableModel model, long rows, Random rng) {
            INDArray e = rows(eps, 0, rows);
            Nd4j.randn(e, rng);
            INDArray zr = rows(z, 0, rows).assign(e).muli(rows(sigma, 0, rows)).addi(rows(mu, 0, rows));
            INDArray logW = model.reconstructionLogLikelihood(rows(x, 0, rows), zr).reshape(rows, 1);
            // log p(z) − log q(z|x) = −½‖z‖² + ½‖ε‖² + ½ Σ log σ²   (the log 2π terms cancel)
            INDArray zz = zr.mul(zr).sum(true, 1);
            INDArray ee = e.mul(e).sum(true, 1);
            logW.addi(ee.subi(zz).muli(0.5)).addi(rows(halfLogVarSum, 0, rows));
            return logW.castTo(DataType.DOUBLE).toDoubleVector();
        }

        private static void tile(INDArray buffer, INDArray block, int s, int b) {
            long width = buffer.size(1);
            rows(buffer, 0, (long) s * b).reshape('c', s, b * width).putiRowVector(block.reshape('c', 1, b * width));
        }

        private static INDArray rows(INDArray a, long from, long count) {
            return from == 0 && count == a.size(0) ? a : a.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
        }
    }
}
