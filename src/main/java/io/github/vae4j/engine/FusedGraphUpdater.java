package io.github.vae4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import io.github.vae4j.util.SpinningWorkers;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * DL4J's {@link ComputationGraphUpdater} with one shortcut: when the whole network is a single {@link OnePassAdam} block
 * with no regularization and no gradient normalization, an update is one pass of {@link OnePassAdamUpdater} that also
 * divides by the minibatch size. DL4J's own path runs a division pass over all parameters, builds per-layer gradient
 * maps and creates two views per parameter and step for regularization that is not there; the result is the same
 * (tested against DL4J's updater in {@code FusedGraphUpdaterTest}). Any other configuration, or a gradient that is
 * not the network's own gradient view, goes through DL4J's path unchanged.
 *
 * <p>{@link #install(ComputationGraph)} puts it on a graph, keeping the updater state a loaded model came with.
 */
public class FusedGraphUpdater extends ComputationGraphUpdater {

    /** Parameter ranges an update is split into when there are worker threads. */
    private static final int PARTS = 4;

    private final OnePassAdamUpdater adam;
    private long fusedSteps;
    private long parameterSteps;

    private FusedGraphUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
        this.adam = singleOnePassAdamBlock() ? (OnePassAdamUpdater) updaterBlocks.get(0).getGradientUpdater() : null;
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
        if (!fusableConfiguration(graph)) {
            return false;
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
        INDArray own = getFlattenedGradientsView();
        if (adam == null || !isMiniBatch() || !sameMemory(gradient.gradient(), own)) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        // disjoint parameter ranges, claimed by the calling thread and the shared workers (the caller alone when there
        // are none)
        adam.applyUpdater(own, iteration, epoch, 1.0 / batchSize, PARTS, SpinningWorkers.shared()::run);
        fusedSteps++;
    }

    /**
     * One training step after {@code graph.computeGradientAndScore()}: the Adam update of the graph's gradient view and
     * the parameter step θ ← θ − update in one pass over the parameters, split like {@link #update}. DL4J's solver runs
     * the update, then the step as a separate pass over all parameters. The result is the same, value for value
     * ({@code FusedGraphUpdaterTest}).
     *
     * @return false, having done nothing, when the fused pass does not apply (see the class comment): then train
     * through {@code graph.fit}
     */
    public synchronized boolean step(ComputationGraph graph, int batchSize) {
        if (!canStep(graph)) {
            return false;
        }
        INDArray own = getFlattenedGradientsView();
        adam.applyUpdater(own, graph.params(), graph.getIterationCount(), graph.getEpochCount(), 1.0 / batchSize,
                PARTS, SpinningWorkers.shared()::run);
        fusedSteps++;
        parameterSteps++;
        return true;
    }

    /** Whether {@link #step} applies to {@code graph}: check it before computing a gradient for it. */
    public boolean canStep(ComputationGraph graph) {
        return adam != null && isMiniBatch() && getFlattenedGradientsView() != null && graph.getUpdater(false) == this;
    }

    /** Of {@link #fusedSteps()}, those that also took the parameter step ({@link #step}). */
    public long parameterSteps() {
        return parameterSteps;
    }

    /** Updates that took the fused pass so far. */
    public long fusedSteps() {
        return fusedSteps;
    }

    /**
     * Whether every parameter of every layer is updated by one and the same {@link OnePassAdam} configuration, with no
     * regularization and no gradient normalization. Read from the layer configurations, so a graph that does not
     * qualify costs no updater construction.
     */
    private static boolean fusableConfiguration(ComputationGraph graph) {
        OnePassAdam first = null;
        for (Layer layer : graph.getLayers()) {
            TrainingConfig conf = layer.getConfig();
            GradientNormalization norm = conf.getGradientNormalization();
            if (norm != null && norm != GradientNormalization.None) {
                return false;
            }
            for (String param : layer.paramTable(false).keySet()) {
                List<?> reg = conf.getRegularizationByParam(param);
                if (!(conf.getUpdaterByParam(param) instanceof OnePassAdam adam) || (first != null && !first.equals(adam))
                        || (reg != null && !reg.isEmpty())) {
                    return false;
                }
                first = adam;
            }
        }
        return first != null;
    }

    /** Whether DL4J built one updater block over all parameters (it splits blocks for pretraining layers, say). */
    private boolean singleOnePassAdamBlock() {
        if (updaterBlocks.size() != 1) {
            return false;
        }
        UpdaterBlock block = updaterBlocks.get(0);
        return block.getGradientUpdater() instanceof OnePassAdamUpdater && block.getParamOffsetStart() == 0
                && block.getParamOffsetEnd() == getFlattenedGradientsView().length();
    }

    /** Whether a gradient array is the network's own flattened gradient view (and not an external gradient). */
    private static boolean sameMemory(INDArray a, INDArray b) {
        return a != null && a.length() == b.length()
                && a.data().pointer().address() + a.offset() * a.data().getElementSize()
                == b.data().pointer().address() + b.offset() * b.data().getElementSize();
    }
}
