package io.github.vae4j.spark;

import io.github.vae4j.engine.FusedGraphUpdater;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the executors before each minibatch: puts vae4j's fused Adam on the worker's copy of the graph (DL4J's
 * workers build the graph from its configuration, which brings DL4J's generic updater; {@code VaeModel} installs the
 * fused one only on the driver), and gives every layer the configuration's epoch count, which the KL schedule reads.
 */
final class WorkerHook implements TrainingHook {

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

    static void prepare(Model model) {
        if (model instanceof ComputationGraph graph) {
            FusedGraphUpdater.install(graph);
            int epoch = graph.getConfiguration().getEpochCount();
            for (Layer layer : graph.getLayers()) {
                if (layer.getEpochCount() != epoch) {
                    layer.setEpochCount(epoch);
                }
            }
        }
    }
}
