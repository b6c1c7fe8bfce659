package io.github.vae4j.data;

import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/**
 * Minibatches of an in-memory feature matrix for autoencoder training: each {@link DataSet} has features = labels
 * = the batch rows. Every {@link #reset()} starts a new epoch in a new order drawn from the run seed and the epoch
 * ({@code Seeds.Stream.SHUFFLE}), so a run is reproducible and every epoch differs. An optional pre-processor (e.g. {@link DynamicBinarization}) runs on
 * each batch. The last batch may be smaller; {@code maxBatches} caps batches per epoch (0 = no cap).
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

    /**
     * These batches drawn on a background thread, two ahead of the consumer, into that thread's workspace (so the
     * batches leave no native garbage): how vae4j's trainer and benchmark iterate. A batch is valid until the
     * consumer asks for the next one after it; {@code shutdown()} the result when done.
     */
    public AsyncDataSetIterator prefetched() {
        return new AsyncDataSetIterator(this, 2, true);
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
        // 'f' order: the layout of every activation and pre-activation in vae4j's layers, so the loss compares
        // like with like without a copy (the output layer copies labels of another order)
        INDArray x = Nd4j.pullRows(features, 1, rows, 'f');
        DataSet ds = classLabels == null ? new DataSet(x, x) : new ConditionedBatch(x, oneHot(rows, x));
        if (preProcessor instanceof DynamicBinarization binarization) {
            binarization.preProcess(ds, epoch, batchesServed - 1);
        } else if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** The one-hot labels of {@code rows}, in x's type and order. */
    private INDArray oneHot(int[] rows, INDArray x) {
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = classLabels[rows[i]];
        }
        return ClassLabels.oneHot(labels, classes, x.dataType(), 'f');
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
     * picks up its epoch. Call it before {@link #prefetched()}.
     */
    public void seek(int epoch, int batchesDone) {
        if (epoch < 0 || batchesDone < 0 || batchesDone > batchesPerEpoch()) {
            throw new IllegalArgumentException("cannot seek to batch " + batchesDone + " of epoch " + epoch + " ("
                    + batchesPerEpoch() + " batches per epoch)");
        }
        this.epoch = epoch;
        order = Permutations.shuffled((int) features.size(0), new Random(Seeds.derive(seed, Seeds.Stream.SHUFFLE, epoch)));
        position = (int) Math.min(features.size(0), (long) batchesDone * batchSize);
        batchesServed = batchesDone;
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
