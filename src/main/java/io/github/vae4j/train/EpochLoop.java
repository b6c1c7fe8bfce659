package io.github.vae4j.train;

import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import io.github.vae4j.data.ConditionedBatch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import io.github.vae4j.engine.FusedGraphUpdater;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.stepfunctions.NegativeGradientStepFunction;
import org.deeplearning4j.optimize.api.TrainingListener;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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

        /**
         * Whether every parameter is finite (a pass over all of them: checked before a checkpoint is written, not
         * after every batch; a non-finite parameter makes the next batch's loss non-finite anyway). True when not known.
         */
        default boolean parametersFinite() {
            return true;
        }
    }

    /**
     * How far a pass has come: batches trained, Σ loss × examples, examples and fit-loop seconds. A resumed epoch
     * starts from the progress its checkpoint saved.
     */
    public record Progress(int batches, double lossSum, long examples, double seconds) {
        public static final Progress START = new Progress(0, 0, 0, 0);

        Pass pass() {
            return new Pass(lossSum / Math.max(examples, 1), examples, seconds);
        }
    }

    /** Called after each batch with the epoch's progress so far (a checkpoint is written from here). */
    @FunctionalInterface
    public interface BatchHook {
        void afterBatch(Progress progress) throws java.io.IOException;
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
     * The step of a vae4j graph: {@code fit} on a DataSet whose labels are the features; for a conditional graph (inputs
     * x and y) on the MultiDataSet [x, y] → [x] of a {@link ConditionedBatch}. After the first step (which lets DL4J set
     * up its gradient view and updater), a graph with vae4j's fused Adam runs the step as DL4J's {@code fit} does
     * minus its separate parameter pass: the gradient, then the update and θ ← θ − update in one pass
     * ({@link FusedGraphUpdater#step}), the iteration count, the layers' states cleared. Graphs with training
     * listeners, parameter constraints, another updater, optimizer or step function, or truncated backprop, and batches
     * with mask arrays, take {@code fit} every time.
     */
    public static Step of(ComputationGraph graph) {
        boolean conditional = graph.getNumInputArrays() == 2;
        NeuralNetConfiguration conf = graph.conf();
        boolean fusable = conf.getOptimizationAlgo() == OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT
                && (conf.getStepFunction() == null || conf.getStepFunction() instanceof NegativeGradientStepFunction)
                && graph.getConfiguration().getBackpropType() == BackpropType.Standard
                && Arrays.stream(graph.getLayers()).allMatch(l -> {
                    List<?> constraints = l.conf().getLayer().getConstraints();
                    return constraints == null || constraints.isEmpty();
                });
        return new Step() {
            private boolean first = true;

            @Override
            public void fit(DataSet batch) {
                if (!conditional && batch.hasMaskArrays()) {
                    graph.fit(batch);
                    return;
                }
                INDArray[] inputs;
                if (!conditional) {
                    inputs = new INDArray[] {batch.getFeatures()};
                } else if (batch instanceof ConditionedBatch b) {
                    inputs = new INDArray[] {b.getFeatures(), b.condition()};
                } else {
                    throw new IllegalArgumentException("a conditional VAE trains on batches with class labels");
                }
                INDArray[] labels = {batch.getLabels()};
                if (first || !fusable || !fusedStep(graph, inputs, labels)) {
                    graph.fit(new MultiDataSet(inputs, labels));
                    first = false;
                }
            }

            @Override
            public double score() {
                return graph.score();
            }

            @Override
            public boolean parametersFinite() {
                // a NaN or an infinity anywhere makes the sum non-finite; one pass over the parameter vector
                return Double.isFinite(graph.params().sumNumber().doubleValue());
            }
        };
    }

    /** One fused step (see {@link #of}); false, having done nothing, when the graph's updater does not take it. */
    private static boolean fusedStep(ComputationGraph graph, INDArray[] inputs, INDArray[] labels) {
        Collection<TrainingListener> listeners = graph.getListeners();
        if (!(graph.getUpdater(false) instanceof FusedGraphUpdater updater) || !updater.canStep(graph)
                || (listeners != null && !listeners.isEmpty())) {
            return false;
        }
        graph.setInputs(inputs);
        graph.setLabels(labels);
        graph.setLayerMaskArrays(null, null);
        graph.computeGradientAndScore();
        if (!updater.step(graph, Math.toIntExact(inputs[0].size(0)))) {
            throw new IllegalStateException("the fused Adam step did not apply after the gradient was computed");
        }
        graph.getConfiguration().setIterationCount(graph.getIterationCount() + 1);
        graph.clearLayersStates();
        return true;
    }

    /**
     * Runs the step over every remaining batch of {@code batches}.
     *
     * @param epoch 0-based, for messages
     * @param bar   a progress bar to step, or null
     * @throws TrainingDivergedException when a loss is NaN or infinite; the message names the epoch and the batch
     */
    public static Pass run(DataSetIterator batches, Step step, int epoch, ProgressBar bar) {
        try {
            return run(batches, step, epoch, Progress.START, bar, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs the step over every remaining batch of {@code batches}, continuing from {@code start} (the progress of the
     * batches already trained in this epoch), the loss checked after each step.
     *
     * @param epoch 0-based, for messages
     * @param bar   a progress bar to step, or null
     * @param hook  called after each batch, or null
     * @throws TrainingDivergedException when the loss becomes NaN or infinite; the message names the epoch and the
     *                                   batch (1-based)
     */
    public static Pass run(DataSetIterator batches, Step step, int epoch, Progress start, ProgressBar bar,
            BatchHook hook) throws java.io.IOException {
        double lossSum = start.lossSum();
        long examples = start.examples();
        int n = start.batches();
        long t0 = System.nanoTime();
        while (batches.hasNext()) {
            DataSet ds = batches.next();
            step.fit(ds);
            double score = step.score();
            if (!Double.isFinite(score)) {
                throw new TrainingDivergedException(String.format(Locale.ROOT,
                        "training diverged at epoch %d, batch %d: the loss became %s", epoch + 1, n + 1, score));
            }
            long b = ds.getFeatures().size(0);
            lossSum += score * b;
            examples += b;
            n++;
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.2f", score));
            }
            if (hook != null) {
                hook.afterBatch(new Progress(n, lossSum, examples, start.seconds() + (System.nanoTime() - t0) / 1e9));
            }
        }
        return new Progress(n, lossSum, examples, start.seconds() + (System.nanoTime() - t0) / 1e9).pass();
    }
}
