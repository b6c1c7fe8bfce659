package io.github.vae4j.data;

import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

/**
 * Minibatches of an in-memory feature matrix for autoencoder training: each {@link DataSet} has features = labels
 * = the batch rows. Every {@link #reset()} starts a new epoch in a new order drawn from the run seed and the epoch
 * ({@code Seeds.Stream.SHUFFLE}), so a run is reproducible and every epoch differs. An optional pre-processor (e.g. {@link DynamicBinarization}) runs on
 * each batch. The last batch may be smaller; {@code maxBatches} caps batches per epoch (0 = no cap).
 *
 * <p>Batches are gathered on the calling thread into arrays this iterator owns and reuses: two sets per batch size,
 * served alternately, so a batch's arrays stay valid until the batch after the next one is served (copy what you
 * keep longer). Reusing them keeps a training loop free of native garbage without a workspace; gathering on the
 * calling thread (about 0.1 ms for 128 MNIST rows, {@code bench.KernelBenchmark}) replaced a prefetch thread, which on two cores waited for a core
 * and made the first steps of every epoch wait for it (docs/performance.md).
 */
public class ShuffledBatchIterator implements DataSetIterator {

    private final INDArray features;
    /** Class labels per row and their number, for the batches of a conditional VAE; null and 0 otherwise. */
    private final int[] classLabels;
    private final int classes;
    private final int batchSize;
    private final long seed;
    private final int maxBatches;
    private DataSetPreProcessor preProcessor;
    private int epoch = -1;
    private int[] order;
    private int position;
    private int batchesServed;
    /** Reused batch arrays per batch size: [slot][features, one-hot labels]; see the class comment. */
    private final java.util.Map<Integer, INDArray[][]> buffers = new java.util.HashMap<>();
    private int slot;
    /** Host buffers of {@link #gather}. */
    private float[] gathered = new float[0];
    private float[] block = new float[0];
    private static final int BLOCK = 16;

    public ShuffledBatchIterator(INDArray features, int batchSize, long seed, int maxBatches) {
        this(features, null, 0, batchSize, seed, maxBatches);
    }

    /**
     * Batches for a conditional VAE: each is a {@link ConditionedBatch} that also holds the one-hot labels of its
     * rows ({@code classLabels} null: plain batches).
     */
    public ShuffledBatchIterator(INDArray features, int[] classLabels, int classes, int batchSize, long seed,
            int maxBatches) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (classLabels != null && classLabels.length != features.size(0)) {
            throw new IllegalArgumentException(classLabels.length + " labels for " + features.size(0) + " examples");
        }
        this.features = features;
        this.classLabels = classLabels;
        this.classes = classes;
        this.batchSize = batchSize;
        this.seed = seed;
        this.maxBatches = maxBatches;
        reset();
    }

    /** Batches in one epoch, after the {@code maxBatches} cap. */
    public int batchesPerEpoch() {
        int all = (int) ((features.size(0) + batchSize - 1) / batchSize);
        return maxBatches > 0 ? Math.min(all, maxBatches) : all;
    }

    @Override
    public DataSet next(int num) {
        int end = (int) Math.min(position + num, features.size(0));
        int[] rows = java.util.Arrays.copyOfRange(order, position, end);
        position = end;
        batchesServed++;
        INDArray[] arrays = buffers(rows.length);
        INDArray x = arrays[0];
        gather(rows, x);
        DataSet ds = classLabels == null ? new DataSet(x, x) : new ConditionedBatch(x, oneHot(rows, arrays[1]));
        if (preProcessor instanceof DynamicBinarization binarization) {
            binarization.preProcess(ds, epoch, batchesServed - 1);
        } else if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /**
     * The next set of reused arrays for a batch of {@code n} rows: features [n, d] and, for a conditional VAE, one-hot
     * labels [n, classes], in 'f' order, the layout of every activation and pre-activation in vae4j's layers (the
     * loss then compares like with like without a copy).
     */
    private INDArray[] buffers(int n) {
        INDArray[][] sets = buffers.computeIfAbsent(n, k -> new INDArray[2][]);
        slot ^= 1;
        if (sets[slot] == null) {
            // detached, whatever workspace the caller is in: the arrays outlive this call
            try (var ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                INDArray x = Nd4j.createUninitialized(features.dataType(), new long[] {n, features.size(1)}, 'f');
                INDArray y = classLabels == null ? null : Nd4j.create(features.dataType(), new long[] {n, classes}, 'f');
                sets[slot] = new INDArray[] {x, y};
            }
        }
        return sets[slot];
    }

    /**
     * x[i, :] ← features[rows[i], :]. FLOAT features in 'c' order (how vae4j loads data) are copied by a Java pass in
     * blocks of rows into the 'f'-order batch: 0.09–0.13 ms for 128 MNIST rows, where ND4J's pullRows into a new
     * 'f'-order array took 1.5–1.8 ms ({@code bench.KernelBenchmark}). Other layouts go through pullRows.
     */
    private void gather(int[] rows, INDArray x) {
        if (features.dataType() != DataType.FLOAT || x.dataType() != DataType.FLOAT || features.ordering() != 'c'
                || features.elementWiseStride() != 1 || x.ordering() != 'f' || x.elementWiseStride() != 1) {
            Nd4j.pullRows(features, x, 1, rows);
            return;
        }
        int n = rows.length;
        int d = Math.toIntExact(features.size(1));
        if (gathered.length < n * d) {
            gathered = new float[n * d];
            block = new float[BLOCK * d];
        }
        FloatBuffer source = features.data().asNioFloat();
        long from = features.offset();
        // BLOCK rows at a time, so that each column's values of the block land in one run of the 'f'-order batch
        // (a row at a time writes each value to another cache line)
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            int b = Math.min(BLOCK, n - i0);
            for (int j = 0; j < b; j++) {
                source.get(Math.toIntExact(from + (long) rows[i0 + j] * d), block, j * d, d);
            }
            for (int c = 0; c < d; c++) {
                int at = c * n + i0;
                for (int j = 0, src = c; j < b; j++, src += d) {
                    gathered[at + j] = block[src];
                }
            }
        }
        x.data().asNioFloat().put(Math.toIntExact(x.offset()), gathered, 0, n * d);
    }

    /** Writes the one-hot labels of {@code rows} into {@code y} and returns it. */
    private INDArray oneHot(int[] rows, INDArray y) {
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = classLabels[rows[i]];
        }
        return ClassLabels.oneHotInto(labels, y);
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return position < features.size(0) && (maxBatches <= 0 || batchesServed < maxBatches);
    }

    @Override
    public void reset() {
        seek(epoch + 1, 0);
    }

    /**
     * Continues at batch {@code batchesDone} (0-based) of epoch {@code epoch} (0-based), serving what an iterator that
     * had been reset {@code epoch} times and had served {@code batchesDone} batches would serve next: how a resumed run
     * picks up its epoch.
     */
    public void seek(int epoch, int batchesDone) {
        if (epoch < 0 || batchesDone < 0 || batchesDone > batchesPerEpoch()) {
            throw new IllegalArgumentException("cannot seek to batch " + batchesDone + " of epoch " + epoch + " ("
                    + batchesPerEpoch() + " batches per epoch)");
        }
        this.epoch = epoch;
        order = epochOrder((int) features.size(0), seed, epoch);
        position = (int) Math.min(features.size(0), (long) batchesDone * batchSize);
        batchesServed = batchesDone;
    }

    /**
     * The order in which epoch {@code epoch} (0-based) of a run seeded {@code seed} visits {@code rows} training rows:
     * a permutation drawn from (seed, epoch). The Spark module cuts the same order into its batches.
     */
    public static int[] epochOrder(int rows, long seed, int epoch) {
        return Permutations.shuffled(rows, new Random(Seeds.derive(seed, Seeds.Stream.SHUFFLE, epoch)));
    }

    @Override
    public int inputColumns() {
        return (int) features.size(1);
    }

    @Override
    public int totalOutcomes() {
        return (int) features.size(1);
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
