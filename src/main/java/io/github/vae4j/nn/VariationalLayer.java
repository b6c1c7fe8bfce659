package io.github.vae4j.nn;

import io.github.vae4j.config.Objective;
import io.github.vae4j.engine.LayerWiring;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/**
 * The Gaussian latent layer of a variational autoencoder (Kingma &amp; Welling, "Auto-Encoding Variational Bayes",
 * ICLR 2014), declared like any DL4J layer.
 *
 * <p>From the encoder's last hidden activation h it computes the posterior q(z|x) = N(μ, diag σ²) with
 * μ = hW_μ + b_μ and log σ² = hW_σ + b_σ, and outputs
 * <ul>
 *   <li>in training: z = μ + σ ⊙ ε, ε ~ N(0, I) from ND4J's seeded RNG (the reparameterization trick);</li>
 *   <li>in inference: μ.</li>
 * </ul>
 * It adds w · KL(q(z|x) ‖ N(0, I)) = w · ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1), averaged over the minibatch, to the
 * network's score, and its gradient to μ and log σ² in backprop. The KL weight w follows the layer's
 * {@link Objective} (β and its linear warm-up) at the network's own epoch counter, which DL4J advances after each
 * epoch ({@code ComputationGraph.incrementEpochCount()}, called by {@code fit(iterator)} and by vae4j's trainer):
 * nobody writes the weight into a built layer. With a likelihood loss from this package on the output layer, the
 * network's score is therefore the negative ELBO per example in nats (for w = 1).
 *
 * <p>log σ² is kept in ({@code logVarMin}, {@code logVarMax}) by {@link VaeMath#softClamp}, which is the identity
 * in the normal range. The layer's activation function is not used.
 *
 * <p>Serializes to DL4J JSON through the {@code @class} property like every DL4J layer: no registration needed.
 */
public class VariationalLayer extends FeedForwardLayer {

    /** Default lower bound of log σ² (σ ≈ 4.5e-5). */
    public static final double DEFAULT_LOGVAR_MIN = -20.0;
    /** Default upper bound of log σ² (σ ≈ 148). */
    public static final double DEFAULT_LOGVAR_MAX = 10.0;

    private double beta = 1.0;
    private int klWarmupEpochs;
    private double logVarMin = DEFAULT_LOGVAR_MIN;
    private double logVarMax = DEFAULT_LOGVAR_MAX;

    /** For JSON deserialization; use {@link Builder}. */
    public VariationalLayer() {
    }

    private VariationalLayer(Builder builder) {
        super(builder);
        this.beta = builder.beta;
        this.klWarmupEpochs = builder.klWarmupEpochs;
        this.logVarMin = builder.logVarMin;
        this.logVarMax = builder.logVarMax;
        initializeConstraints(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("VariationalLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new VariationalLayerImpl(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return VariationalParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        // Kept between forward and backward: [μ | raw log σ²] (2·nOut) and ε (nOut) per example.
        long cachedPerExample = 3 * getNOut();
        return new LayerMemoryReport.Builder(layerName, VariationalLayer.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 2 * getNOut(), 0, cachedPerExample + getNIn())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    /** KL weight β after the warm-up (β-VAE, Higgins et al. 2017); 1 gives the ELBO. */
    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        this.beta = beta;
    }

    /** Epochs of the linear KL warm-up (0 = none). */
    public int getKlWarmupEpochs() {
        return klWarmupEpochs;
    }

    public void setKlWarmupEpochs(int klWarmupEpochs) {
        this.klWarmupEpochs = klWarmupEpochs;
    }

    /** The objective this layer's KL term belongs to. */
    public Objective objective() {
        return new Objective(beta, klWarmupEpochs);
    }

    public double getLogVarMin() {
        return logVarMin;
    }

    public void setLogVarMin(double logVarMin) {
        this.logVarMin = logVarMin;
    }

    public double getLogVarMax() {
        return logVarMax;
    }

    public void setLogVarMax(double logVarMax) {
        this.logVarMax = logVarMax;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VariationalLayer other) || !super.equals(o)) {
            return false;
        }
        return beta == other.beta && klWarmupEpochs == other.klWarmupEpochs && logVarMin == other.logVarMin && logVarMax == other.logVarMax;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), beta, klWarmupEpochs, logVarMin, logVarMax);
    }

    @Override
    public String toString() {
        return "VariationalLayer(name=" + getLayerName() + ", nIn=" + getNIn() + ", nOut=" + getNOut() + ", beta=" + beta + ", klWarmupEpochs=" + klWarmupEpochs
                + ", logVarRange=(" + logVarMin + ", " + logVarMax + "))";
    }

    /** Builder in DL4J style: {@code new VariationalLayer.Builder().nIn(400).nOut(20).beta(1).build()}. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private double beta = 1.0;
        private int klWarmupEpochs;
        private double logVarMin = DEFAULT_LOGVAR_MIN;
        private double logVarMax = DEFAULT_LOGVAR_MAX;

        public Builder() {
            activation(Activation.IDENTITY);
        }

        /** KL weight β ≥ 0 (default 1). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** The KL weight and its schedule from an {@link Objective} (default: the ELBO, β = 1, no warm-up). */
        public Builder objective(Objective objective) {
            this.beta = objective.beta();
            this.klWarmupEpochs = objective.klWarmupEpochs();
            return this;
        }

        /** Soft bounds of log σ² (defaults −20 and 10). */
        public Builder logVarRange(double min, double max) {
            this.logVarMin = min;
            this.logVarMax = max;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public VariationalLayer build() {
            try {
                new Objective(beta, klWarmupEpochs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("VariationalLayer " + e.getMessage());
            }
            if (!(logVarMin < logVarMax)) {
                throw new IllegalArgumentException(
                        "VariationalLayer logVarMin must be < logVarMax, got " + logVarMin + " >= " + logVarMax);
            }
            return new VariationalLayer(this);
        }
    }
}
