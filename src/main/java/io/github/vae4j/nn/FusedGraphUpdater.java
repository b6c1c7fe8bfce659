package io.github.vae4j.nn;

import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * DL4J's {@link ComputationGraphUpdater} with one shortcut: when the whole network is a single {@link LeanAdam} block
 * with no regularization and no gradient normalization, an update is one pass of {@link LeanAdamUpdater} that also
 * divides by the minibatch size. DL4J's own path runs a division pass over all parameters, builds per-layer gradient
 * maps and creates two views per parameter and step for regularization that is not there; the result is the same
 * (tested against DL4J's updater in {@code FusedGraphUpdaterTest}). Any other configuration, or a gradient that is
 * not the network's own gradient view, goes through DL4J's path unchanged.
 *
 * <p>{@link #install(ComputationGraph)} puts it on a graph, keeping the updater state a loaded model came with.
 */
public class FusedGraphUpdater extends ComputationGraphUpdater {

    private final LeanAdamUpdater adam;
    private long fusedSteps;

    private FusedGraphUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
        this.adam = fusable() ? (LeanAdamUpdater) updaterBlocks.get(0).getGradientUpdater() : null;
    }

    /**
     * Installs the fused updater on {@code graph} when its configuration allows the shortcut (see the class
     * comment), carrying over existing updater state; otherwise leaves the graph as it is.
     *
     * @return whether the fused updater is now in place
     */
    public static boolean install(ComputationGraph graph) {
        ComputationGraphUpdater current = graph.getUpdater(false);
        if (current instanceof FusedGraphUpdater) {
            return true;
        }
        INDArray state = current == null ? null : current.getStateViewArray();
        FusedGraphUpdater fused = new FusedGraphUpdater(graph, state);
        if (fused.adam == null) {
            return false;
        }
        graph.setUpdater(fused);
        return true;
    }

    /** Whether the updater runs the fused pass. */
    public boolean isFused() {
        return adam != null;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray flat = gradient.gradient();
        INDArray own = getFlattenedGradientsView();
        if (adam == null || !isMiniBatch() || flat == null || flat.length() != own.length()
                || flat.data().pointer().address() + flat.offset() * flat.data().getElementSize()
                != own.data().pointer().address() + own.offset() * own.data().getElementSize()) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        adam.applyUpdater(own, iteration, epoch, 1.0 / batchSize);
        fusedSteps++;
    }

    /** Updates that took the fused pass so far. */
    public long fusedSteps() {
        return fusedSteps;
    }

    private boolean fusable() {
        if (updaterBlocks.size() != 1) {
            return false;
        }
        UpdaterBlock block = updaterBlocks.get(0);
        if (!(block.getGradientUpdater() instanceof LeanAdamUpdater) || block.getParamOffsetStart() != 0
                || block.getParamOffsetEnd() != getFlattenedGradientsView().length()) {
            return false;
        }
        for (Trainable layer : getOrderedLayers()) {
            GradientNormalization norm = layer.getConfig().getGradientNormalization();
            if (norm != null && norm != GradientNormalization.None) {
                return false;
            }
            for (String param : layer.paramTable(false).keySet()) {
                List<?> reg = layer.getConfig().getRegularizationByParam(param);
                if (reg != null && !reg.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
