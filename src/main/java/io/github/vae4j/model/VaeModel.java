package io.github.vae4j.model;

import io.github.vae4j.nn.FusedGraphUpdater;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.nn.ReconstructionLoss;
import io.github.vae4j.nn.VaeMath;
import io.github.vae4j.nn.VariationalLayer;
import io.github.vae4j.nn.VariationalLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A variational autoencoder (Kingma &amp; Welling 2014): encoder q(z|x) = N(μ(x), diag σ²(x)), prior p(z) = N(0, I),
 * decoder p(x|z), trained by maximizing ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)).
 *
 * <p>This is the facade the rest of vae4j (and user code) talks to. It owns the DL4J {@link ComputationGraph} built
 * by {@link VaeNetwork}, the {@link VaeConfig}, the provenance {@link ModelMetadata} and an optional input
 * normalizer. Sign convention: DL4J's training score is the negative ELBO (times β on the KL) in nats per example;
 * {@link #elbo} returns the ELBO itself, per example.
 *
 * <p>Inputs are [n, inputSize] matrices of already-normalized data (see {@link #normalizer()}). Methods are
 * inference-only and do not change the network. Not thread-safe.
 */
public final class VaeModel implements LatentVariableModel {

    private final ComputationGraph graph;
    private final VaeConfig config;
    private final DataNormalization normalizer;
    private ModelMetadata metadata;

    private VaeModel(ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer) {
        FusedGraphUpdater.install(graph);
        this.graph = graph;
        this.config = metadata.config();
        this.metadata = metadata;
        this.normalizer = normalizer;
    }

    /** A new model with freshly initialized float32 weights. */
    public static VaeModel create(VaeConfig config) {
        return create(config, DataType.FLOAT, null);
    }

    /** A new model in the given precision, optionally with an input normalizer to save alongside it. */
    public static VaeModel create(VaeConfig config, DataType dataType, DataNormalization normalizer) {
        return new VaeModel(VaeNetwork.build(config, dataType), ModelMetadata.forNewModel(config), normalizer);
    }

    /**
     * Loads a model written by {@link #save}.
     *
     * @throws IOException if the file is missing, not a vae4j model, of another format version, or corrupt; the
     *                     message names the file and the problem
     */
    public static VaeModel load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        VaeModel model = new VaeModel(c.graph(), c.metadata(), c.normalizer());
        model.checkGraphMatchesConfig(file);
        return model;
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

    /** The reconstruction likelihood p(x|z) of this model. */
    public ReconstructionLoss likelihood() {
        return (ReconstructionLoss) outputConf().getLossFn();
    }

    /** Sets the KL weight β used by training from now on (KL warm-up); the ELBO methods here always use β = 1. */
    public void setKlWeight(double beta) {
        latentConf().setBeta(beta);
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
        return encodeChecked(checkInput(x, config.inputSize(), "x"));
    }

    private Posterior encodeChecked(INDArray x) {
        INDArray h = x;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < config.encoderSizes().size(); i++) {
                h = activate(VaeNetwork.encoderLayer(i), h);
            }
            Pair<INDArray, INDArray> q = latentLayer().posterior(h);
            return new Posterior(q.getFirst(), q.getSecond());
        }
    }

    /** z = μ + σ ⊙ ε with ε ~ N(0, I) drawn from a generator seeded with {@code seed}. */
    public INDArray sampleLatent(Posterior q, long seed) {
        INDArray eps = standardNormal(q.mu().shape(), seed);
        return VariationalLayerImpl.reparameterize(q.mu(), q.logVar(), eps);
    }

    /** The mean of p(x|z) (pixel probabilities for Bernoulli), [n, inputSize]. */
    public INDArray decode(INDArray z) {
        return likelihood().mean(outputActivation().getActivation(decoderPreOutput(z), false));
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

    /** Per-example log p(x|z) in nats, [n]. */
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray z) {
        INDArray xs = checkInput(x, config.inputSize(), "x");
        INDArray zs = checkInput(z, config.latentSize(), "z");
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return decoder().logLikelihood(xs, zs);
        }
    }

    /**
     * The ELBO per example with its parts; the reconstruction term averages {@code samples} draws of z ~ q(z|x)
     * (seeded), the KL term is closed form.
     */
    public Elbo elbo(INDArray x, int samples, long seed) {
        return Elbo.estimate(this, checkInput(x, config.inputSize(), "x"), samples, seed);
    }

    // ---- DL4J sharp edges, handled here only ----

    INDArray decoderPreOutput(INDArray z) {
        INDArray h = checkInput(z, config.latentSize(), "z");
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return decoder().preOutput(h);
        }
    }

    /** The decoder's layers as plain dense steps over views of the current parameters. */
    @Override
    public DenseDecoder decoder() {
        java.util.List<DenseStep> hidden = new java.util.ArrayList<>();
        for (int i = 0; i < config.decoderSizes().size(); i++) {
            hidden.add(denseStep(graph.getLayer(VaeNetwork.decoderLayer(i))));
        }
        return new DenseDecoder(hidden, denseStep(graph.getLayer(VaeNetwork.OUTPUT)), likelihood());
    }

    private static DenseStep denseStep(Layer layer) {
        IActivation act = ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer()).getActivationFn();
        return new DenseStep(layer.getParam("W"), layer.getParam("b"), act);
    }

    private INDArray activate(String layer, INDArray in) {
        return graph.getLayer(layer).activate(in, false, LayerWorkspaceMgr.noWorkspaces());
    }

    private VariationalLayerImpl latentLayer() {
        return (VariationalLayerImpl) graph.getLayer(VaeNetwork.LATENT);
    }

    private VariationalLayer latentConf() {
        return (VariationalLayer) latentLayer().conf().getLayer();
    }

    private BaseOutputLayer outputConf() {
        return (BaseOutputLayer) graph.getLayer(VaeNetwork.OUTPUT).conf().getLayer();
    }

    private IActivation outputActivation() {
        return outputConf().getActivationFn();
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

    private void checkGraphMatchesConfig(Path file) throws IOException {
        Layer latent = graph.getLayer(VaeNetwork.LATENT);
        if (!(latent instanceof VariationalLayerImpl) || graph.getLayer(VaeNetwork.OUTPUT) == null) {
            throw new IOException("model " + file + " does not have vae4j's network layout (layers '"
                    + VaeNetwork.LATENT + "' and '" + VaeNetwork.OUTPUT + "')");
        }
        long nOut = ((VariationalLayer) latent.conf().getLayer()).getNOut();
        if (nOut != config.latentSize()) {
            throw new IOException("model " + file + " is inconsistent: latent layer has " + nOut
                    + " units but the stored config says latentSize=" + config.latentSize());
        }
    }
}
