package io.github.vae4j.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/** Runtime implementation of {@link LabelJoinVertex}: [h | y repeated to h's rows], and the split gradient. */
public class LabelJoinVertexImpl extends BaseGraphVertex {

    public LabelJoinVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("LabelJoinVertex " + vertexName + ": inputs not set");
        }
        INDArray h = inputs[0].castTo(dataType);
        INDArray y = inputs[1].castTo(dataType);
        long rows = h.size(0);
        long n = y.size(0);
        if (h.rank() != 2 || y.rank() != 2 || n == 0 || rows % n != 0) {
            throw new IllegalArgumentException("LabelJoinVertex " + vertexName + " joins h [r, d] and y [n, classes] "
                    + "with r a multiple of n, got " + Arrays.toString(h.shape()) + " and " + Arrays.toString(y.shape()));
        }
        long d = h.size(1);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {rows, d + y.size(1)}, 'c');
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).assign(h);
        for (long from = 0; from < rows; from += n) {
            out.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.interval(d, d + y.size(1))).assign(y);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("LabelJoinVertex " + vertexName + ": epsilon not set");
        }
        long d = inputs[0].size(1);
        long n = inputs[1].size(0);
        long classes = inputs[1].size(1);
        long rows = epsilon.size(0);
        INDArray dH = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD,
                epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)));
        INDArray dY = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, new long[] {n, classes}, 'c');
        for (long from = 0; from < rows; from += n) {
            dY.addi(epsilon.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.interval(d, d + classes)));
        }
        return new Pair<>(null, new INDArray[] {dH, dY});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalArgumentException("LabelJoinVertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
            int minibatchSize) {
        return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public String toString() {
        return "LabelJoinVertex(" + vertexName + ")";
    }
}
