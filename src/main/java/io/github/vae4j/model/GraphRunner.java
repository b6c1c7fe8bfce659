package io.github.vae4j.model;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a contiguous stretch of a chain-shaped {@link ComputationGraph} in inference mode with the graph's own
 * vertices: each vertex applies its preprocessor and its layer's {@code activate}, exactly as
 * {@code ComputationGraph.output} does, so every tool (encode, decode, ELBO, importance sampling) runs the one
 * forward pass that training runs. The temporaries of a call live in a per-thread workspace that the next call reuses;
 * results are detached from it.
 */
final class GraphRunner {

    private static final String WORKSPACE = "vae4j-forward";
    private static final LayerWorkspaceMgr WORKSPACES = workspaces();

    private final ComputationGraph graph;
    /** Vertex indices in topological order, the network input excluded. */
    private final List<GraphVertex> chain;

    GraphRunner(ComputationGraph graph) {
        this.graph = graph;
        this.chain = new ArrayList<>();
        GraphVertex[] vertices = graph.getVertices();
        for (int i : graph.topologicalSortOrder()) {
            if (!vertices[i].isInputVertex()) {
                chain.add(vertices[i]);
            }
        }
    }

    /** The names of the graph's vertices in topological order, the network input excluded. */
    List<String> vertexNames() {
        return chain.stream().map(GraphVertex::getVertexName).toList();
    }

    /** Activations of vertex {@code last} for input {@code in} to vertex {@code first}, detached. */
    INDArray forward(String first, String last, INDArray in) {
        INDArray userInput = graphInput();
        try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
            return run(index(first), index(last), in).detach();
        } finally {
            clear(userInput);
        }
    }

    /**
     * Per-example score of the output vertex {@code output} (the loss per example, here −log p(x|z)) for input
     * {@code in} to vertex {@code first} and labels x, through the output layer's own
     * {@code computeScoreForExamples}; detached, shape [n].
     */
    INDArray outputScores(String first, String output, INDArray in, INDArray labels) {
        INDArray userInput = graphInput();
        try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
            int out = index(output);
            INDArray h = out > index(first) ? run(index(first), out - 1, in) : in;
            graph.setInput(0, in);
            GraphVertex v = chain.get(out);
            v.setInput(0, h, WORKSPACES);
            ((org.deeplearning4j.nn.graph.vertex.impl.LayerVertex) v).applyPreprocessorAndSetInput(WORKSPACES);
            IOutputLayer layer = (IOutputLayer) v.getLayer();
            layer.setLabels(labels);
            return layer.computeScoreForExamples(0.0, WORKSPACES).reshape(labels.size(0)).detach();
        } finally {
            clear(userInput);
        }
    }

    private INDArray run(int from, int to, INDArray in) {
        // DL4J's preprocessors read the minibatch size from the graph's input array
        graph.setInput(0, in);
        INDArray h = in;
        for (int i = from; i <= to; i++) {
            GraphVertex v = chain.get(i);
            v.setInput(0, h, WORKSPACES);
            h = v.doForward(false, WORKSPACES);
        }
        return h;
    }

    private int index(String name) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).getVertexName().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("the network has no vertex '" + name + "'");
    }

    /** The input array the graph holds (set by its user or by training), or null. */
    private INDArray graphInput() {
        return graph.getInputs() == null ? null : graph.getInput(0);
    }

    /**
     * Drops the references the vertices hold to this call's workspace arrays and gives the graph back the input it
     * held before the call.
     */
    private void clear(INDArray userInput) {
        graph.setInput(0, userInput);
        for (GraphVertex v : chain) {
            v.clearVertex();
        }
    }

    private static LayerWorkspaceMgr workspaces() {
        LayerWorkspaceMgr.Builder b = LayerWorkspaceMgr.builder();
        for (ArrayType t : ArrayType.values()) {
            b.with(t, WORKSPACE, ScratchWorkspace.CONFIG);
        }
        return b.build();
    }
}
