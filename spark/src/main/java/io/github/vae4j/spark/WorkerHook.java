package io.github.vae4j.spark;

import io.github.vae4j.engine.FusedGraphUpdater;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the executors before each minibatch and prepares the worker's copy of the graph:
 * <ul>
 *   <li>the driver's epoch and iteration counts: DL4J's workers build their graph from
 *       {@code ComputationGraphConfiguration.clone()}, which drops both, so without this every worker would train at
 *       epoch 0 (a KL warm-up or cyclical schedule frozen at its start) and restart Adam's bias correction each
 *       round. The driver sets the counts on this hook before every fit ({@link #setCounts}); the hook travels to the
 *       executors with the worker instance;</li>
 *   <li>vae4j's fused Adam pass ({@link FusedGraphUpdater}), which {@code VaeModel} installs only on the driver's
 *       graph; the workers otherwise run the same Adam through DL4J's generic updater path.</li>
 * </ul>
 */
final class WorkerHook implements TrainingHook {

    private int epoch;
    private int iteration;

    /** The driver's counts at the start of the next fit. */
    void setCounts(int epoch, int iteration) {
        this.epoch = epoch;
        this.iteration = iteration;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        prepare(model);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        prepare(model);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }

    private void prepare(Model model) {
        if (model instanceof ComputationGraph graph) {
            FusedGraphUpdater.install(graph);
            // a fresh worker graph is behind the driver; one that already fitted minibatches of this round is ahead
            if (graph.getConfiguration().getIterationCount() < iteration
                    || graph.getConfiguration().getEpochCount() != epoch) {
                applyCounts(graph, epoch, Math.max(iteration, graph.getConfiguration().getIterationCount()));
            }
        }
    }

    /** Sets the graph's and every layer's epoch and iteration counts (the KL schedule reads the layer's epoch). */
    static void applyCounts(ComputationGraph graph, int epoch, int iteration) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        conf.setEpochCount(epoch);
        conf.setIterationCount(iteration);
        for (Layer layer : graph.getLayers()) {
            layer.setEpochCount(epoch);
            layer.setIterationCount(iteration);
        }
    }
}
