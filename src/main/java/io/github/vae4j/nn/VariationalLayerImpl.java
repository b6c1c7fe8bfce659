package io.github.vae4j.nn;

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
 * <p>Forward pass: one GEMM h·[W_μ | W_σ] + [b_μ | b_σ] gives both heads. The pre-activations and the noise ε are
 * kept in the INPUT workspace (alive from forward to backward within one iteration) so backprop reuses the same ε.
 * The β·KL term is remembered from the latest forward pass and reported through
 * {@link #calcRegularizationScore(boolean)}, the hook DL4J uses to add layer terms to the network score.
 *
 * <p>Gradients follow DL4J's convention: summed over the minibatch (the updater divides by its size).
 */
public class VariationalLayerImpl extends BaseLayer<VariationalLayer> {

    /** [μ | raw log σ²] from the latest forward pass, shape [minibatch, 2·nOut]. */
    private INDArray preHeads;
    /** ε of the latest training forward pass, or null when the output was μ. */
    private INDArray epsilon;
    /** β · mean KL of the latest forward pass. */
    private double klScore;
    private boolean sampleInInference;

    public VariationalLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

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
        long mb = h.size(0);
        long n = layerConf().getNOut();

        preHeads = workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, new long[] {mb, 2 * n}, 'f');
        Nd4j.gemm(h, fusedWeights(), preHeads, false, false, 1.0, 0.0);
        preHeads.addiRowVector(VariationalParamInitializer.fusedBias(layerConf(), paramsFlattened));

        INDArray mu = mu(preHeads);
        INDArray logVar = logVar(preHeads);
        klScore = layerConf().getBeta() * VaeMath.klDivergencePerExample(mu, logVar).sumNumber().doubleValue()
                / miniBatchDivisor(mb);

        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {mb, n}, 'f');
        if (training || sampleInInference) {
            epsilon = workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, new long[] {mb, n}, 'f');
            Nd4j.randn(epsilon);
            z.assign(reparameterize(mu, logVar, epsilon));
        } else {
            epsilon = null;
            z.assign(mu);
        }
        return z;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilonZ, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (preHeads == null) {
            throw new IllegalStateException("VariationalLayer backprop called before a forward pass " + layerId());
        }
        double beta = layerConf().getBeta();
        long n = layerConf().getNOut();
        long mb = preHeads.size(0);
        INDArray mu = mu(preHeads);
        INDArray rawLogVar = preHeads.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
        INDArray logVar = logVar(preHeads);

        INDArray dHeads = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {mb, 2 * n}, 'f');
        INDArray dMu = dHeads.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
        INDArray dRawLogVar = dHeads.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));

        // d(β·KL)/dμ = β·μ ; d(β·KL)/dlogσ² = β·½(σ² − 1)
        dMu.assign(mu.mul(beta).addi(epsilonZ));
        INDArray dLogVar = Transforms.exp(logVar, true).subi(1.0).muli(0.5 * beta);
        if (epsilon != null) {
            // z = μ + exp(½ log σ²) ⊙ ε  ⇒  dz/dlogσ² = ½ σ ⊙ ε
            INDArray sigma = Transforms.exp(logVar.mul(0.5), false);
            dLogVar.addi(epsilonZ.mul(epsilon).muli(sigma).muli(0.5));
        }
        dRawLogVar.assign(dLogVar.muli(VaeMath.softClampDerivative(rawLogVar, layerConf().getLogVarMin(),
                layerConf().getLogVarMax())));

        INDArray h = input.castTo(dataType);
        INDArray weightGrad = VariationalParamInitializer.fusedWeights(layerConf(), gradientsFlattened);
        Nd4j.gemm(h, dHeads, weightGrad, true, false, 1.0, 0.0);
        INDArray biasGrad = VariationalParamInitializer.fusedBias(layerConf(), gradientsFlattened);
        dHeads.sum(biasGrad, 0);

        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {mb, layerConf().getNIn()}, 'f');
        Nd4j.gemm(dHeads, fusedWeights(), epsilonNext, false, true, 1.0, 0.0);
        epsilonNext = backpropDropOutIfPresent(epsilonNext);

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : VariationalParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, epsilonNext);
    }

    /** β · KL of the latest forward pass, averaged over the minibatch, plus any weight regularization. */
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
            INDArray heads = in.mmul(fusedWeights()).addiRowVector(
                    VariationalParamInitializer.fusedBias(layerConf(), paramsFlattened));
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
        preHeads = null;
        epsilon = null;
    }

    private INDArray fusedWeights() {
        return VariationalParamInitializer.fusedWeights(layerConf(), paramsFlattened);
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
