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
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A variational autoencoder (Kingma &amp; Welling 2014): encoder q(z|x) = N(μ(x), diag σ²(x)), prior p(z) = N(0, I),
 * decoder p(x|z), trained by maximizing ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)).
 *
 * <p>This is the facade the rest of vae4j (and user code) talks to. It owns the DL4J {@link ComputationGraph} built
 * by {@link VaeNetwork} from the {@link VaeConfig}, the provenance {@link ModelMetadata} and an optional input
 * normalizer. Every method runs the graph's own vertices (encoder from "x" up to what feeds "z", decoder from "z"
 * to "px"); there is no second copy of the forward pass. Sign convention: DL4J's training score is the negative of
 * the model's objective (the ELBO with its KL weight, or the IWAE bound) in nats per example; {@link #elbo} returns
 * the ELBO itself, per example.
 *
 * <p>A conditional model (Sohn et al. 2015) takes the one-hot class label y [n, classes] beside x and z: its methods
 * have a y argument ({@link #oneHot} builds it from class indices), and {@link #joint()} presents it to evaluation
 * as a model of [x | y] rows, so that the ELBO and importance sampling estimate log p(x|y).
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
    /** The vertex whose output the variational layer takes (the last encoder layer, or "z-in" with the label). */
    private final String latentInput;
    private ModelMetadata metadata;

    VaeModel(ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer) {
        this.graph = graph;
        this.config = metadata.config();
        this.metadata = metadata;
        this.normalizer = normalizer;
        this.runner = new GraphRunner(graph);
        List<String> order = runner.vertexNames();
        List<String> inputs = graph.getConfiguration().getNetworkInputs();
        List<String> expectedInputs = config.conditional() ? List.of(VaeNetwork.INPUT, VaeNetwork.LABEL)
                : List.of(VaeNetwork.INPUT);
        int px = order.indexOf(VaeNetwork.OUTPUT);
        if (!order.contains(VaeNetwork.LATENT) || px != order.size() - 1 || !inputs.equals(expectedInputs)
                || !(graph.getLayer(VaeNetwork.LATENT) instanceof VariationalLayerImpl)
                || !(graph.getLayer(VaeNetwork.OUTPUT) instanceof org.deeplearning4j.nn.api.layers.IOutputLayer)
                || !(VaeNetwork.outputLossOrNull(graph) instanceof ReconstructionLoss)
                || java.util.Arrays.stream(graph.getVertices()).anyMatch(v -> !v.isInputVertex() && !v.hasLayer()
                        && !(v instanceof io.github.vae4j.nn.LabelJoinVertexImpl)
                        && !(v instanceof org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex))) {
            throw new IllegalArgumentException("the network does not have vae4j's layout (inputs " + expectedInputs
                    + ", layers with label-join vertices, a VariationalLayer '" + VaeNetwork.LATENT + "' and a likelihood "
                    + "loss on the last layer '" + VaeNetwork.OUTPUT + "'), got inputs " + inputs + " and vertices "
                    + order);
        }
        this.latentInput = runner.inputsOf(VaeNetwork.LATENT).get(0);
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
        } catch (RuntimeException e) {
            // a network that does not have the layers its metadata describes (IllegalArgumentException from the
            // checks, a ClassCastException or a missing layer from a damaged graph)
            throw new IOException("model " + file + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /** Writes the model atomically (temp file + move): a failed save never leaves a half-written file. */
    public void save(Path file) throws IOException {
        ModelFile.write(file, graph, metadata, normalizer, Map.of(), true);
    }

    /**
     * As {@link #save(Path)}, with more zip entries (a training checkpoint's state); the file is still a model that
     * {@link #load} and DL4J read. {@link ModelFile#readEntry} reads an entry back.
     */
    public void save(Path file, Map<String, byte[]> extraEntries) throws IOException {
        ModelFile.write(file, graph, metadata, normalizer, extraEntries, true);
    }

    /**
     * As {@link #save(Path)} without the updater's state: a third of the size, for a model that is only applied or
     * fine-tuned from fresh moments (the pretrained models in {@code models/}).
     */
    public void saveWithoutUpdater(Path file) throws IOException {
        ModelFile.write(file, graph, metadata, normalizer, Map.of(), false);
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

    /** The KL weight the variational layer applies at the network's current epoch (its objective's schedule). */
    public double klWeight() {
        return latentLayer().klWeight();
    }

    /** Whether this is a conditional VAE: the encoder and decoder also take the one-hot label y. */
    public boolean conditional() {
        return config.conditional();
    }

    /** Classes of the label y of a conditional model (0 for an unconditional one). */
    public int classes() {
        return config.classes();
    }

    /** Encodes x into q(z|x): μ (the embedding) and log σ²; for an unconditional model. */
    @Override
    public Posterior encode(INDArray x) {
        return encode(x, null);
    }

    /**
     * Encodes x into q(z|x, y): μ (the embedding) and log σ²; y is the one-hot label [n, classes] of a conditional
     * model ({@link #oneHot}), null for an unconditional one.
     */
    public Posterior encode(INDArray x, INDArray y) {
        Map<String, INDArray> given = given(VaeNetwork.INPUT, checkInput(x, inputSize(), "x"), y);
        Pair<INDArray, INDArray> q = latentLayer().posterior(runner.forward(given, latentInput));
        return new Posterior(q.getFirst(), q.getSecond());
    }

    /** z = μ + σ ⊙ ε with ε ~ N(0, I) drawn from a generator seeded with {@code seed}. */
    public INDArray sampleLatent(Posterior q, long seed) {
        INDArray eps = standardNormal(q.mu().shape(), seed);
        return VariationalLayerImpl.reparameterize(q.mu(), q.logVar(), eps);
    }

    /** The mean of p(x|z) (pixel probabilities for Bernoulli), [n, inputSize]; for an unconditional model. */
    public INDArray decode(INDArray z) {
        return decode(z, null);
    }

    /** The mean of p(x|z, y), [n, inputSize]; y one-hot [n, classes] for a conditional model, else null. */
    public INDArray decode(INDArray z, INDArray y) {
        Map<String, INDArray> given = given(VaeNetwork.LATENT, checkInput(z, latentSize(), "z"), y);
        return likelihood().mean(runner.forward(given, VaeNetwork.OUTPUT));
    }

    /** decode(μ(x)): the reconstruction at the posterior mean; for an unconditional model. */
    public INDArray reconstruct(INDArray x) {
        return reconstruct(x, null);
    }

    /** decode(μ(x, y), y): the reconstruction at the posterior mean (y null for an unconditional model). */
    public INDArray reconstruct(INDArray x, INDArray y) {
        return decode(encode(x, y).mu(), y);
    }

    /** n new examples of an unconditional model: decode(z) for z ~ N(0, I) drawn with {@code seed}. */
    public INDArray generate(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("number of samples must be >= 1, got " + n);
        }
        return decode(standardNormal(new long[] {n, config.latentSize()}, seed));
    }

    /** One new example per label of a conditional model: decode(z, y) for z ~ N(0, I) drawn with {@code seed}. */
    public INDArray generate(int[] labels, long seed) {
        if (labels.length < 1) {
            throw new IllegalArgumentException("number of samples must be >= 1, got 0");
        }
        return decode(standardNormal(new long[] {labels.length, config.latentSize()}, seed), oneHot(labels));
    }

    /**
     * The one-hot rows [n, classes] of class labels, in the model's precision; a label outside [0, classes) is an
     * error naming it.
     */
    public INDArray oneHot(int[] labels) {
        if (!conditional()) {
            throw new IllegalArgumentException("the model is not conditional: it takes no labels");
        }
        return io.github.vae4j.data.ClassLabels.oneHot(labels, classes(), dataType(), 'c');
    }

    /** Per-example log p(x|z) in nats, [n], of an unconditional model: minus the output layer's own loss. */
    @Override
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray z) {
        return reconstructionLogLikelihood(x, null, z);
    }

    /** Per-example log p(x|z, y) in nats, [n] (y null for an unconditional model). */
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray y, INDArray z) {
        INDArray xs = checkInput(x, inputSize(), "x");
        INDArray zs = checkInput(z, latentSize(), "z");
        if (xs.size(0) != zs.size(0)) {
            throw new IllegalArgumentException("x and z must have the same number of rows, got " + xs.size(0) + " and "
                    + zs.size(0));
        }
        return runner.outputScores(given(VaeNetwork.LATENT, zs, y), VaeNetwork.OUTPUT, xs).negi();
    }

    /**
     * Per-example log p(x_o|z, y) in nats, [n]: the log-likelihood of only the entries of x where {@code observed}
     * ([n, inputSize]) is 1, under the model's own likelihood (y null for an unconditional model).
     */
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray y, INDArray z, INDArray observed) {
        INDArray xs = checkInput(x, inputSize(), "x");
        INDArray zs = checkInput(z, latentSize(), "z");
        INDArray o = checkInput(observed, inputSize(), "observed");
        if (xs.size(0) != zs.size(0) || o.size(0) != xs.size(0)) {
            throw new IllegalArgumentException("x, z and observed must have the same number of rows, got " + xs.size(0)
                    + ", " + zs.size(0) + " and " + o.size(0));
        }
        return runner.outputScores(given(VaeNetwork.LATENT, zs, y), VaeNetwork.OUTPUT, xs, o.castTo(xs.dataType()))
                .negi();
    }

    /**
     * The ELBO per example with its parts; the reconstruction term averages {@code samples} draws of z ~ q(z|x)
     * (seeded), the KL term is closed form. For an unconditional model; see {@link #joint()} for a conditional one.
     */
    public Elbo elbo(INDArray x, int samples, long seed) {
        return Elbo.estimate(this, checkInput(x, inputSize(), "x"), samples, seed);
    }

    /**
     * The model as evaluation sees it ({@link LatentVariableModel}): for an unconditional model the model itself; for
     * a conditional one a view whose rows are [x | y] (y one-hot), so that the ELBO and importance sampling estimate
     * log p(x|y) with the same code. {@link #jointInput} builds those rows.
     */
    public LatentVariableModel joint() {
        return conditional() ? new ConditionalView(this) : this;
    }

    /** The rows {@link #joint()} takes: x itself, or [x | oneHot(labels)] for a conditional model. */
    public INDArray jointInput(INDArray x, int[] labels) {
        if (!conditional()) {
            return x;
        }
        if (labels == null || labels.length != x.size(0)) {
            throw new IllegalArgumentException("a conditional model needs one label per example, got "
                    + (labels == null ? "none" : labels.length + " labels") + " for " + x.size(0) + " examples");
        }
        return Nd4j.hstack(x.castTo(dataType()), oneHot(labels));
    }

    /** [x | y] rows of a conditional model, split for its encoder and decoder. */
    private record ConditionalView(VaeModel model) implements LatentVariableModel {
        @Override
        public long inputSize() {
            return model.inputSize() + model.classes();
        }

        @Override
        public int latentSize() {
            return model.latentSize();
        }

        @Override
        public Posterior encode(INDArray xy) {
            Inputs.checkMatrix(xy, inputSize(), "[x | y]");
            return model.encode(x(xy), y(xy));
        }

        @Override
        public INDArray reconstructionLogLikelihood(INDArray xy, INDArray z) {
            Inputs.checkMatrix(xy, inputSize(), "[x | y]");
            return model.reconstructionLogLikelihood(x(xy), y(xy), z);
        }

        @Override
        public long decoderValuesPerExample() {
            return model.decoderValuesPerExample();
        }

        @Override
        public LatentVariableModel forThread() {
            return new ConditionalView(model.forThread());
        }

        private INDArray x(INDArray xy) {
            return xy.get(NDArrayIndex.all(), NDArrayIndex.interval(0, model.inputSize())).dup();
        }

        private INDArray y(INDArray xy) {
            return xy.get(NDArrayIndex.all(), NDArrayIndex.interval(model.inputSize(), inputSize())).dup();
        }
    }

    // ---- DL4J sharp edges, handled here only ----

    private VariationalLayerImpl latentLayer() {
        return (VariationalLayerImpl) graph.getLayer(VaeNetwork.LATENT);
    }

    /** The activations to start from: {@code first} and, for a conditional model, the checked label y. */
    private Map<String, INDArray> given(String first, INDArray value, INDArray y) {
        if (!conditional()) {
            if (y != null) {
                throw new IllegalArgumentException("the model is not conditional: it takes no labels");
            }
            return Map.of(first, value);
        }
        if (y == null) {
            throw new IllegalArgumentException("the model is conditional on " + classes() + " classes: give the one-hot "
                    + "labels y as well");
        }
        INDArray ys = checkInput(y, classes(), "y (one-hot labels)");
        if (ys.size(0) != value.size(0)) {
            throw new IllegalArgumentException("y must have one row per example, got " + ys.size(0) + " rows for "
                    + value.size(0));
        }
        return Map.of(first, value, VaeNetwork.LABEL, ys);
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
