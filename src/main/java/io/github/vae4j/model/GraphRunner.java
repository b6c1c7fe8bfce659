package io.github.vae4j.model;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs part of a {@link ComputationGraph} in inference mode with the graph's own vertices: given the activations of
 * some vertices (network inputs such as "x" and "y", or an inner vertex such as "z"), it computes, in topological
 * order, every vertex whose inputs are all known, up to a target vertex; each vertex applies its preprocessor and its
 * layer's {@code activate} (or its merge), exactly as {@code ComputationGraph.output} does. So every tool (encode,
 * decode, ELBO, importance sampling) runs the one forward pass that training runs. The temporaries of a call live in
 * a per-thread workspace that the next call reuses; results are detached from it.
 */
final class GraphRunner {

    private static final String WORKSPACE = "vae4j-forward";
    private static final LayerWorkspaceMgr WORKSPACES = workspaces();

    private final ComputationGraph graph;
    /** The vertices in topological order, the network inputs excluded. */
    private final List<GraphVertex> order;
    /** Names of each vertex's inputs, by vertex name. */
    private final Map<String, List<String>> inputsOf;

    GraphRunner(ComputationGraph graph) {
        this.graph = graph;
        this.order = new ArrayList<>();
        this.inputsOf = new HashMap<>();
        GraphVertex[] vertices = graph.getVertices();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = vertices[i];
            List<String> inputs = new ArrayList<>();
            VertexIndices[] in = v.getInputVertices();
            if (in != null) {
                for (VertexIndices idx : in) {
                    inputs.add(vertices[idx.getVertexIndex()].getVertexName());
                }
            }
            inputsOf.put(v.getVertexName(), List.copyOf(inputs));
            if (!v.isInputVertex()) {
                order.add(v);
            }
        }
    }

    /** The names of the graph's vertices in topological order, the network inputs excluded. */
    List<String> vertexNames() {
        return order.stream().map(GraphVertex::getVertexName).toList();
    }

    /** The names of the vertices that feed vertex {@code name}, in input order. */
    List<String> inputsOf(String name) {
        List<String> in = inputsOf.get(name);
        if (in == null) {
            throw new IllegalArgumentException("the network has no vertex '" + name + "'");
        }
        return in;
    }

    /** Activations of vertex {@code target} given the activations of the vertices in {@code given}, detached. */
    INDArray forward(Map<String, INDArray> given, String target) {
        INDArray[] userInputs = graphInputs();
        try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
            if (given.containsKey(target)) {
                return given.get(target).dup();
            }
            return run(given, target).get(target).detach();
        } finally {
            clear(userInputs);
        }
    }

    /**
     * Per-example score of the output vertex {@code output} (the loss per example, here −log p(x|z)) given the
     * activations in {@code given} and labels x, through the output layer's own {@code computeScoreForExamples};
     * detached, shape [n].
     */
    INDArray outputScores(Map<String, INDArray> given, String output, INDArray labels) {
        return outputScores(given, output, labels, null);
    }

    /**
     * As {@link #outputScores(Map, String, INDArray)}, counting only the label entries where {@code labelMask}
     * ([n, labels' columns]) is 1: DL4J's per-output label mask, passed to the loss function.
     */
    INDArray outputScores(Map<String, INDArray> given, String output, INDArray labels, INDArray labelMask) {
        INDArray[] userInputs = graphInputs();
        try (MemoryWorkspace ws = ScratchWorkspace.open(WORKSPACE)) {
            List<String> in = inputsOf(output);
            Map<String, INDArray> values = run(given, in.get(0));
            GraphVertex v = vertex(output);
            v.setInput(0, values.get(in.get(0)), WORKSPACES);
            ((org.deeplearning4j.nn.graph.vertex.impl.LayerVertex) v).applyPreprocessorAndSetInput(WORKSPACES);
            IOutputLayer layer = (IOutputLayer) v.getLayer();
            layer.setLabels(labels);
            layer.setMaskArray(labelMask);
            try {
                return layer.computeScoreForExamples(0.0, WORKSPACES).reshape(labels.size(0)).detach();
            } finally {
                layer.setMaskArray(null);
            }
        } finally {
            clear(userInputs);
        }
    }

    /** Every vertex computable from {@code given}, in order, until {@code target} has its activations. */
    private Map<String, INDArray> run(Map<String, INDArray> given, String target) {
        Map<String, INDArray> values = new HashMap<>(given);
        if (values.containsKey(target)) {
            return values;
        }
        // DL4J's preprocessors read the minibatch size from the graph's input arrays
        INDArray any = given.values().iterator().next();
        for (int i = 0; i < graph.getNumInputArrays(); i++) {
            String name = graph.getConfiguration().getNetworkInputs().get(i);
            graph.setInput(i, given.getOrDefault(name, any));
        }
        for (GraphVertex v : order) {
            String name = v.getVertexName();
            if (values.containsKey(name)) {
                continue;
            }
            List<String> in = inputsOf.get(name);
            if (!values.keySet().containsAll(in)) {
                continue;
            }
            for (int i = 0; i < in.size(); i++) {
                v.setInput(i, values.get(in.get(i)), WORKSPACES);
            }
            values.put(name, v.doForward(false, WORKSPACES));
            if (name.equals(target)) {
                return values;
            }
        }
        if (!values.containsKey(target)) {
            throw new IllegalArgumentException("vertex '" + target + "' cannot be computed from " + given.keySet());
        }
        return values;
    }

    private GraphVertex vertex(String name) {
        for (GraphVertex v : order) {
            if (v.getVertexName().equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("the network has no vertex '" + name + "'");
    }

    /** The input arrays the graph holds (set by its user or by training), or nulls. */
    private INDArray[] graphInputs() {
        INDArray[] held = new INDArray[graph.getNumInputArrays()];
        for (int i = 0; i < held.length; i++) {
            held[i] = graph.getInputs() == null ? null : graph.getInput(i);
        }
        return held;
    }

    /**
     * Drops the references the vertices hold to this call's workspace arrays and gives the graph back the inputs it
     * held before the call.
     */
    private void clear(INDArray[] userInputs) {
        for (int i = 0; i < userInputs.length; i++) {
            graph.setInput(i, userInputs[i]);
        }
        for (GraphVertex v : order) {
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
