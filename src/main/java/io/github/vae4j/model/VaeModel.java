package io.github.vae4j.model;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.nn.ReconstructionLoss;
import io.github.vae4j.util.Seeds;
import io.github.vae4j.nn.VariationalLayer;
import io.github.vae4j.nn.VariationalLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A variational autoencoder (Kingma &amp; Welling 2014): encoder q(z|x) = N(μ(x), diag σ²(x)), prior p(z) = N(0, I),
 * decoder p(x|z), trained by maximizing ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)).
 *
 * <p>This is the facade the rest of vae4j (and user code) talks to. It owns the DL4J {@link ComputationGraph} built
 * by {@link VaeNetwork} from the {@link VaeConfig}, the provenance {@link ModelMetadata} and an optional input
 * normalizer. Every method runs the graph's own layers (encoder up to "z", decoder from "z"'s successor to "px");
 * there is no second copy of the forward pass. Sign convention: DL4J's training score is the negative ELBO (with the
 * objective's KL weight) in nats per example; {@link #elbo} returns the ELBO itself, per example.
 *
 * <p>Inputs are flat [n, inputSize] matrices of already-normalized data (see {@link #normalizer()}); images are
 * flattened channels first, row-major. Methods are inference-only and do not change the parameters. Not
 * thread-safe: use {@link #forThread()} for a second thread.
 */
public final class VaeModel implements LatentVariableModel {

    private final ComputationGraph graph;
    private final VaeConfig config;
    private final DataNormalization normalizer;
    private final GraphRunner runner;
    private final String firstEncoderVertex;
    private final String firstDecoderVertex;
    private final String lastDecoderVertex;
    private ModelMetadata metadata;

    VaeModel(ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer) {
        this.graph = graph;
        this.config = metadata.config();
        this.metadata = metadata;
        this.normalizer = normalizer;
        this.runner = new GraphRunner(graph);
        List<String> order = runner.vertexNames();
        int z = order.indexOf(VaeNetwork.LATENT);
        int px = order.indexOf(VaeNetwork.OUTPUT);
        if (z < 0 || px < 0 || px != order.size() - 1 || !(graph.getLayer(VaeNetwork.LATENT) instanceof VariationalLayerImpl)
                || !(graph.getLayer(VaeNetwork.OUTPUT) instanceof org.deeplearning4j.nn.api.layers.IOutputLayer)
                || !(VaeNetwork.outputLossOrNull(graph) instanceof ReconstructionLoss)
                || java.util.Arrays.stream(graph.getVertices()).anyMatch(v -> !v.isInputVertex() && !v.hasLayer())) {
            throw new IllegalArgumentException("the network does not have vae4j's layout (a chain of layers with a "
                    + "VariationalLayer '" + VaeNetwork.LATENT + "' and a likelihood loss on the last layer '"
                    + VaeNetwork.OUTPUT + "'), got vertices " + order);
        }
        this.firstEncoderVertex = order.get(0);
        this.firstDecoderVertex = order.get(z + 1);
        this.lastDecoderVertex = order.get(px - 1);
    }

    /** A new model with freshly initialized float32 weights; the config's input shape must be set. */
    public static VaeModel create(VaeConfig config) {
        return create(config, DataType.FLOAT, null);
    }

    /** A new model in the given precision, optionally with an input normalizer to save alongside it. */
    public static VaeModel create(VaeConfig config, DataType dataType, DataNormalization normalizer) {
        return create(config, dataType, normalizer, VaeNetwork.Layers.VAE4J);
    }

    /** As {@link #create(VaeConfig, DataType, DataNormalization)} with the given layer implementations. */
    public static VaeModel create(VaeConfig config, DataType dataType, DataNormalization normalizer,
            VaeNetwork.Layers layers) {
        return new VaeModel(VaeNetwork.build(config, dataType, layers), ModelMetadata.forNewModel(config), normalizer);
    }

    /**
     * Loads a model written by {@link #save} (any supported format version).
     *
     * @throws IOException if the file is missing, not a vae4j model, of an unsupported format version, or corrupt;
     *                     the message names the file and the problem
     */
    public static VaeModel load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        try {
            VaeModel model = new VaeModel(c.graph(), c.metadata(), c.normalizer());
            model.checkGraphMatchesConfig();
            return model;
        } catch (IllegalArgumentException e) {
            throw new IOException("model " + file + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /** Writes the model atomically (temp file + move): a failed save never leaves a half-written file. */
    public void save(Path file) throws IOException {
        ModelFile.write(file, graph, metadata, normalizer);
    }

    /** The underlying DL4J network (train it with {@code fit}; labels are the features). */
    public ComputationGraph network() {
        return graph;
    }

    public VaeConfig config() {
        return config;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public void setMetadata(ModelMetadata metadata) {
        if (!metadata.config().equals(config)) {
            throw new IllegalArgumentException("metadata config differs from the model's config");
        }
        this.metadata = metadata;
    }

    /** The input normalizer fitted on the training data, if the data needed one (CSV); pixels need none. */
    public Optional<DataNormalization> normalizer() {
        return Optional.ofNullable(normalizer);
    }

    /** The reconstruction likelihood p(x|z) of this model (the output layer's loss). */
    public ReconstructionLoss likelihood() {
        return (ReconstructionLoss) VaeNetwork.outputLoss(graph);
    }

    /** A copy on its own parameter arrays (same values), for use by a second thread. */
    @Override
    public VaeModel forThread() {
        return new VaeModel(graph.clone(), metadata, normalizer);
    }

    @Override
    public long decoderValuesPerExample() {
        return config.architecture().decoderValuesPerExample();
    }

    @Override
    public long inputSize() {
        return config.inputSize();
    }

    @Override
    public int latentSize() {
        return config.latentSize();
    }

    /** Encodes x into q(z|x): μ (the embedding) and log σ². */
    @Override
    public Posterior encode(INDArray x) {
        INDArray xs = checkInput(x, inputSize(), "x");
        INDArray h = firstEncoderVertex.equals(VaeNetwork.LATENT) ? xs
                : runner.forward(firstEncoderVertex, vertexBefore(VaeNetwork.LATENT), xs);
        Pair<INDArray, INDArray> q = latentLayer().posterior(h);
        return new Posterior(q.getFirst(), q.getSecond());
    }

    /** z = μ + σ ⊙ ε with ε ~ N(0, I) drawn from a generator seeded with {@code seed}. */
    public INDArray sampleLatent(Posterior q, long seed) {
        INDArray eps = standardNormal(q.mu().shape(), seed);
        return VariationalLayerImpl.reparameterize(q.mu(), q.logVar(), eps);
    }

    /** The mean of p(x|z) (pixel probabilities for Bernoulli), [n, inputSize]. */
    public INDArray decode(INDArray z) {
        INDArray zs = checkInput(z, latentSize(), "z");
        return likelihood().mean(runner.forward(firstDecoderVertex, VaeNetwork.OUTPUT, zs));
    }

    /** decode(μ(x)): the reconstruction at the posterior mean. */
    public INDArray reconstruct(INDArray x) {
        return decode(encode(x).mu());
    }

    /** n new examples: decode(z) for z ~ N(0, I) drawn with {@code seed}. */
    public INDArray generate(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("number of samples must be >= 1, got " + n);
        }
        return decode(standardNormal(new long[] {n, config.latentSize()}, seed));
    }

    /** Per-example log p(x|z) in nats, [n]: minus the output layer's own per-example loss. */
    @Override
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray z) {
        INDArray xs = checkInput(x, inputSize(), "x");
        INDArray zs = checkInput(z, latentSize(), "z");
        if (xs.size(0) != zs.size(0)) {
            throw new IllegalArgumentException("x and z must have the same number of rows, got " + xs.size(0) + " and "
                    + zs.size(0));
        }
        return runner.outputScores(firstDecoderVertex, VaeNetwork.OUTPUT, zs, xs).negi();
    }

    /**
     * The ELBO per example with its parts; the reconstruction term averages {@code samples} draws of z ~ q(z|x)
     * (seeded), the KL term is closed form.
     */
    public Elbo elbo(INDArray x, int samples, long seed) {
        return Elbo.estimate(this, checkInput(x, inputSize(), "x"), samples, seed);
    }

    // ---- DL4J sharp edges, handled here only ----

    private VariationalLayerImpl latentLayer() {
        return (VariationalLayerImpl) graph.getLayer(VaeNetwork.LATENT);
    }

    private String vertexBefore(String name) {
        List<String> order = runner.vertexNames();
        return order.get(order.indexOf(name) - 1);
    }

    private DataType dataType() {
        return graph.params().dataType();
    }

    private INDArray standardNormal(long[] shape, long seed) {
        Random rng = Seeds.generator(seed);
        return Nd4j.randn(Nd4j.create(dataType(), shape), rng);
    }

    private INDArray checkInput(INDArray x, long width, String name) {
        return Inputs.checkMatrix(x, width, name).castTo(dataType());
    }

    private void checkGraphMatchesConfig() {
        Layer latent = graph.getLayer(VaeNetwork.LATENT);
        long nOut = ((VariationalLayer) latent.conf().getLayer()).getNOut();
        if (nOut != config.latentSize()) {
            throw new IllegalArgumentException("latent layer has " + nOut + " units but the stored config says latentSize="
                    + config.latentSize());
        }
        long params = config.architecture().parameters();
        if (graph.numParams() != params) {
            throw new IllegalArgumentException("the network has " + graph.numParams()
                    + " parameters but the stored config describes " + params);
        }
    }
}
