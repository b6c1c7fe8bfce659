package io.github.vae4j.nn;

import io.github.vae4j.engine.Affine;
import io.github.vae4j.engine.ImportanceSampledLatentKernel;
import io.github.vae4j.engine.LatentKernel;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Runtime implementation of {@link VariationalLayer}; see there for the math.
 *
 * <p>Forward pass: one GEMM h·[W_μ | W_σ] gives both heads ({@link Affine}); ε comes from ND4J's seeded generator.
 * Everything element-wise (the bias [b_μ | b_σ], the soft clamp of log σ², z = μ + σ ⊙ ε, the KL and, in backprop,
 * the gradients of both heads and their bias) is one pass over the [minibatch, latent] values in Java
 * ({@link LatentKernel}) instead of a chain of ND4J ops on [128, 20] arrays, each with its fixed overhead (the change
 * log in docs/benchmarks.md). The pass keeps μ, σ², σ ⊙ ε and the clamp's derivative for backprop.
 *
 * <p>The β·KL term is remembered from the latest forward pass and reported through
 * {@link #calcRegularizationScore(boolean)}, the hook DL4J uses to add layer terms to the network score.
 * Gradients follow DL4J's convention: summed over the minibatch (the updater divides by its size).
 */
public class VariationalLayerImpl extends BaseLayer<VariationalLayer> {

    /** Element-wise state of the latest forward pass, or null before the first one. */
    private LatentKernel kernel;
    /** The same for the IWAE objective's k-sample training pass. */
    private ImportanceSampledLatentKernel iwaeKernel;
    /** The importance weights of the latest forward pass, when it was an IWAE training pass; else null. */
    private ImportanceWeights importanceWeights;
    /** The layer configuration's objective, read on first use. */
    private io.github.vae4j.config.Objective objective;
    /** Whether {@link #kernel} holds a forward pass that backprop may use. */
    private boolean forwardDone;
    /** w · mean KL of the latest forward pass. */
    private double klScore;
    private boolean sampleInInference;

    public VariationalLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Cached fused views of the parameters and of the gradients ({@link FusedViews}). */
    private FusedViews fusedParams;
    private FusedViews fusedGradients;

    /**
     * Whether inference-mode forward passes sample z (true) or return μ (false, the default). Training always samples.
     */
    public void setSampleInInference(boolean sample) {
        this.sampleInInference = sample;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray h = validatedInput();
        int mb = Math.toIntExact(h.size(0));
        int n = Math.toIntExact(layerConf().getNOut());

        INDArray heads = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[] {mb, 2 * n}, 'f');
        Affine.product(h, fusedWeights(), heads);
        int k = layerConf().getSamples();
        if (training && k > 1) {
            return activateImportanceSampled(heads, mb, n, k, workspaceMgr);
        }
        if (importanceWeights != null) {
            ImportanceWeights.clear();
            importanceWeights = null;
        }
        INDArray eps = null;
        if (training || sampleInInference) {
            eps = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[] {mb, n}, 'f');
            Nd4j.randn(eps);
        }
        if (kernel == null || kernel.rows() != mb || kernel.latent() != n) {
            kernel = new LatentKernel(mb, n);
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {mb, n}, 'f');
        double kl = kernel.forward(heads, fusedBias(), eps, z, layerConf().getLogVarMin(), layerConf().getLogVarMax(),
                layerConf().getFreeBits());
        forwardDone = true;
        klScore = klWeight() * kl / miniBatchDivisor(mb);
        return z;
    }

    /**
     * The IWAE training pass: k·mb rows z_s = μ + σ ⊙ ε_s (row s·mb + i is sample s of example i), their log-ratios
     * log p(z_s) − log q(z_s|x) published for the likelihood loss, which scores the whole bound (no KL term here).
     */
    private INDArray activateImportanceSampled(INDArray heads, int mb, int n, int k, LayerWorkspaceMgr workspaceMgr) {
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[] {(long) k * mb, n}, 'f');
        Nd4j.randn(eps);
        if (iwaeKernel == null || iwaeKernel.rows() != mb || iwaeKernel.latent() != n || iwaeKernel.samples() != k) {
            iwaeKernel = new ImportanceSampledLatentKernel(mb, n, k);
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {(long) k * mb, n}, 'f');
        double[] logRatio = iwaeKernel.forward(heads, fusedBias(), eps, z, layerConf().getLogVarMin(),
                layerConf().getLogVarMax());
        importanceWeights = ImportanceWeights.publish(k, mb, logRatio);
        forwardDone = true;
        klScore = 0;
        return z;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilonZ, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!forwardDone) {
            throw new IllegalStateException("VariationalLayer backprop called before a forward pass " + layerId());
        }
        long n = layerConf().getNOut();
        long mb = importanceWeights != null ? iwaeKernel.rows() : kernel.rows();
        INDArray dz = epsilonZ.castTo(dataType);
        if (dz.ordering() != 'f' || dz.elementWiseStride() != 1) {
            dz = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, dz, 'f');
        }
        INDArray dHeads = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {mb, 2 * n}, 'f');
        fusedGradients = FusedViews.of(fusedGradients, gradientsFlattened, layerConf());
        INDArray biasGrad = fusedGradients.bias();
        if (importanceWeights != null) {
            iwaeKernel.backward(dz, importanceWeights.normalizedWeights(), dHeads, biasGrad);
        } else {
            kernel.backward(dz, klWeight(), dHeads, biasGrad);
        }

        INDArray h = input.castTo(dataType);
        Affine.weightGradient(h, dHeads, fusedGradients.weights());

        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {mb, layerConf().getNIn()}, 'f');
        Affine.inputGradient(dHeads, fusedWeights(), epsilonNext);
        epsilonNext = backpropDropOutIfPresent(epsilonNext);

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : VariationalParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, epsilonNext);
    }

    /** The KL weight w of the layer's objective at the network's current epoch. */
    public double klWeight() {
        if (objective == null) {
            objective = layerConf().objective(); // parsed once, not on every step
        }
        return objective.klWeight(getEpochCount(), layerConf().getTrainingEpochs());
    }

    /**
     * w · KL of the latest forward pass, averaged over the minibatch (each dimension at least the free bits), plus
     * any weight regularization; 0 for the KL after an IWAE training pass, whose bound the loss scores whole.
     */
    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return super.calcRegularizationScore(backpropParamsOnly) + klScore;
    }

    /**
     * The posterior q(z|h) for an encoder activation h, computed from the current parameters without touching the
     * layer's training state. Arrays are detached (not in any workspace).
     *
     * @param h [minibatch, nIn]
     * @return μ and log σ², each [minibatch, nOut]
     */
    public Pair<INDArray, INDArray> posterior(INDArray h) {
        INDArray in = h.castTo(dataType);
        checkShape(in);
        try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray heads = Nd4j.createUninitialized(dataType, new long[] {in.size(0), 2 * layerConf().getNOut()}, 'f');
            Affine.forward(in, fusedWeights(), fusedBias(), heads);
            return new Pair<>(mu(heads).dup(), logVar(heads));
        }
    }

    /** z = μ + exp(½ log σ²) ⊙ ε. */
    public static INDArray reparameterize(INDArray mu, INDArray logVar, INDArray eps) {
        return Transforms.exp(logVar.mul(0.5), false).muli(eps).addi(mu);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        forwardDone = false;
        importanceWeights = null;
    }

    /** [W_μ | W_σ], a view of the parameters. */
    private INDArray fusedWeights() {
        fusedParams = FusedViews.of(fusedParams, paramsFlattened, layerConf());
        return fusedParams.weights();
    }

    /** [b_μ | b_σ], a view of the parameters. */
    private INDArray fusedBias() {
        fusedParams = FusedViews.of(fusedParams, paramsFlattened, layerConf());
        return fusedParams.bias();
    }

    /**
     * The fused weight and bias views of one flat array (the parameters or the gradients), made once per array: each
     * view is a native allocation that the garbage collector tracks until it collects it, and a training step used
     * to make thirteen.
     */
    private record FusedViews(INDArray flat, INDArray weights, INDArray bias) {
        static FusedViews of(FusedViews cached, INDArray flat, VariationalLayer conf) {
            if (cached != null && cached.flat() == flat) {
                return cached;
            }
            return new FusedViews(flat, VariationalParamInitializer.fusedWeights(conf, flat),
                    VariationalParamInitializer.fusedBias(conf, flat));
        }
    }

    private INDArray mu(INDArray heads) {
        return heads.get(NDArrayIndex.all(), NDArrayIndex.interval(0, layerConf().getNOut()));
    }

    private INDArray logVar(INDArray heads) {
        long n = layerConf().getNOut();
        INDArray raw = heads.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
        return VaeMath.softClamp(raw, layerConf().getLogVarMin(), layerConf().getLogVarMax());
    }

    private double miniBatchDivisor(long mb) {
        return conf.isMiniBatch() ? mb : 1.0;
    }

    private INDArray validatedInput() {
        INDArray h = input.castTo(dataType);
        checkShape(h);
        return h;
    }

    private void checkShape(INDArray h) {
        if (h.rank() != 2 || h.size(1) != layerConf().getNIn()) {
            throw new DL4JInvalidInputException("VariationalLayer expects input of shape [minibatch, "
                    + layerConf().getNIn() + "], got " + Arrays.toString(h.shape()) + " " + layerId());
        }
    }
}
