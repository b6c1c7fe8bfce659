package io.github.vae4j.train;

import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import io.github.vae4j.data.ConditionedBatch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.Locale;

/**
 * One pass over a batch iterator: a training step per batch, the loss checked after each step, the example-weighted
 * mean loss and the wall time. {@link VaeTrainer} and the benchmark both train through this loop.
 */
public final class EpochLoop {

    /** One optimizer step on a batch and the loss it reported (nats per example). */
    public interface Step {
        void fit(DataSet batch);

        double score();
    }

    /**
     * What one pass did.
     *
     * @param meanLoss example-weighted mean of the per-batch training losses
     * @param examples examples seen
     * @param seconds  wall time of the pass
     */
    public record Pass(double meanLoss, long examples, double seconds) {
        public double examplesPerSecond() {
            return examples / seconds;
        }
    }

    private EpochLoop() {
    }

    /**
     * The step of a vae4j graph: plain {@code fit} on a DataSet whose labels are the features; for a conditional
     * graph (inputs x and y) {@code fit} on the MultiDataSet [x, y] → [x] of a {@link ConditionedBatch}.
     */
    public static Step of(ComputationGraph graph) {
        boolean conditional = graph.getNumInputArrays() == 2;
        return new Step() {
            @Override
            public void fit(DataSet batch) {
                if (!conditional) {
                    graph.fit(batch);
                    return;
                }
                if (!(batch instanceof ConditionedBatch b)) {
                    throw new IllegalArgumentException("a conditional VAE trains on batches with class labels");
                }
                graph.fit(new MultiDataSet(new INDArray[] {b.getFeatures(), b.condition()},
                        new INDArray[] {b.getLabels()}));
            }

            @Override
            public double score() {
                return graph.score();
            }
        };
    }

    /**
     * Runs the step over every remaining batch of {@code batches}.
     *
     * @param epoch 0-based, for messages
     * @param bar   a progress bar to step, or null
     * @throws TrainingDivergedException when a loss is NaN or infinite; the message names the epoch and the batch
     */
    public static Pass run(DataSetIterator batches, Step step, int epoch, ProgressBar bar) {
        double lossSum = 0;
        long examples = 0;
        int n = 0;
        long t0 = System.nanoTime();
        while (batches.hasNext()) {
            DataSet ds = batches.next();
            step.fit(ds);
            double score = step.score();
            if (!Double.isFinite(score)) {
                throw new TrainingDivergedException(String.format(Locale.ROOT,
                        "training loss became %s at epoch %d, batch %d", score, epoch + 1, n + 1));
            }
            long b = ds.getFeatures().size(0);
            lossSum += score * b;
            examples += b;
            n++;
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.2f", score));
            }
        }
        return new Pass(lossSum / Math.max(examples, 1), examples, (System.nanoTime() - t0) / 1e9);
    }
}
