package io.github.vae4j.nn;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a conditional VAE's one-hot label y joins a layer's input h: the vertex outputs [h | y] (Sohn et al. 2015,
 * "Learning Structured Output Representation using Deep Conditional Generative Models"). Its inputs are h [r, d] and
 * y [n, classes] with r = k·n: in the IWAE objective's training pass the decoder runs on k samples z per example
 * (row s·n + i is sample s of example i, see {@link VariationalLayer}), so y's rows are repeated k times to match;
 * otherwise r = n and this is DL4J's {@code MergeVertex}. Backprop splits the gradient: the h part as it is, the y
 * part summed over the k copies.
 *
 * <p>Serializes to DL4J JSON through the {@code @class} property like every DL4J vertex: no registration needed.
 */
public class LabelJoinVertex extends GraphVertex {

    @Override
    public LabelJoinVertex clone() {
        return new LabelJoinVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelJoinVertex;
    }

    @Override
    public int hashCode() {
        return LabelJoinVertex.class.hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new LabelJoinVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeFeedForward h)
                || !(vertexInputs[1] instanceof InputType.InputTypeFeedForward y)) {
            throw new InvalidInputTypeException("LabelJoinVertex joins two flat inputs, h and the one-hot label y, got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        return InputType.feedForward(h.getSize() + y.getSize());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, LabelJoinVertex.class, inputTypes[0], out)
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public String toString() {
        return "LabelJoinVertex()";
    }
}
