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
 * {@link Objective} (β and its {@link io.github.vae4j.config.KlSchedule}) at the network's own epoch counter, which
 * DL4J advances after each epoch ({@code ComputationGraph.incrementEpochCount()}, called by {@code fit(iterator)} and
 * by vae4j's trainer): nobody writes the weight into a built layer. With free bits λ the KL of dimension j, averaged
 * over the minibatch, counts as max(λ, KL_j). With a likelihood loss from this package on the output layer, the
 * network's score is therefore the negative ELBO per example in nats (for w = 1).
 *
 * <p>For the IWAE objective with k samples the layer outputs, in training, k·n rows z_s = μ + σ ⊙ ε_s (row s·n + i is
 * sample s of example i) and hands log p(z_s) − log q(z_s|x) to the likelihood loss ({@link ImportanceWeights}),
 * which scores −log (1/k) Σ_s w_s per example; no KL term is added then.
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

    private String objectiveKind = Objective.Kind.ELBO.id();
    private double beta = 1.0;
    private int samples = 1;
    private double freeBits;
    private String klSchedule = "constant";
    private int trainingEpochs = 1;
    private double logVarMin = DEFAULT_LOGVAR_MIN;
    private double logVarMax = DEFAULT_LOGVAR_MAX;

    /** For JSON deserialization; use {@link Builder}. */
    public VariationalLayer() {
    }

    private VariationalLayer(Builder builder) {
        super(builder);
        Objective o = builder.objective;
        this.objectiveKind = o.kind().id();
        this.beta = o.beta();
        this.samples = o.samples();
        this.freeBits = o.freeBits();
        this.klSchedule = o.klSchedule();
        this.trainingEpochs = builder.trainingEpochs;
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
        // Kept between forward and backward: [μ | raw log σ²] (2·nOut) and ε (nOut) per example, plus ε and z of
        // the k − 1 further samples of the IWAE objective.
        long cachedPerExample = 3 * getNOut() + 2L * (samples - 1) * getNOut();
        return new LayerMemoryReport.Builder(layerName, VariationalLayer.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 2 * getNOut(), 0, cachedPerExample + getNIn())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    /** The bound this layer's training pass serves: "elbo" or "iwae". */
    public String getObjectiveKind() {
        return objectiveKind;
    }

    public void setObjectiveKind(String objectiveKind) {
        this.objectiveKind = objectiveKind;
    }

    /** KL weight β after the schedule (β-VAE, Higgins et al. 2017); 1 gives the ELBO. */
    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        this.beta = beta;
    }

    /** k, draws of z per example in training (1 for the ELBO). */
    public int getSamples() {
        return samples;
    }

    public void setSamples(int samples) {
        this.samples = samples;
    }

    /** Free bits λ in nats per latent dimension (0 = off). */
    public double getFreeBits() {
        return freeBits;
    }

    public void setFreeBits(double freeBits) {
        this.freeBits = freeBits;
    }

    /** The KL schedule, "constant", "linear:N" or "cyclical:M:R". */
    public String getKlSchedule() {
        return klSchedule;
    }

    public void setKlSchedule(String klSchedule) {
        this.klSchedule = klSchedule;
    }

    /** Epochs of the run the schedule spans (a cyclical schedule cuts them into cycles). */
    public int getTrainingEpochs() {
        return trainingEpochs;
    }

    public void setTrainingEpochs(int trainingEpochs) {
        this.trainingEpochs = trainingEpochs;
    }

    /**
     * Reads the warm-up of layers saved by vae4j before the KL schedule (their JSON has {@code klWarmupEpochs}):
     * N &gt; 0 becomes the schedule {@code linear:N}.
     */
    public void setKlWarmupEpochs(int klWarmupEpochs) {
        this.klSchedule = klWarmupEpochs > 0 ? "linear:" + klWarmupEpochs : "constant";
    }

    /** The objective this layer's training pass belongs to. */
    public Objective objective() {
        return new Objective(Objective.Kind.of(objectiveKind), beta, samples, freeBits, klSchedule);
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
        return objectiveKind.equals(other.objectiveKind) && beta == other.beta && samples == other.samples
                && freeBits == other.freeBits && klSchedule.equals(other.klSchedule)
                && trainingEpochs == other.trainingEpochs && logVarMin == other.logVarMin && logVarMax == other.logVarMax;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), objectiveKind, beta, samples, freeBits, klSchedule, trainingEpochs,
                logVarMin, logVarMax);
    }

    @Override
    public String toString() {
        return "VariationalLayer(name=" + getLayerName() + ", nIn=" + getNIn() + ", nOut=" + getNOut() + ", objective="
                + objective().describe()
                + ", epochs=" + trainingEpochs + ", logVarRange=(" + logVarMin + ", " + logVarMax + "))";
    }

    /** Builder in DL4J style: {@code new VariationalLayer.Builder().nIn(400).nOut(20).beta(1).build()}. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private Objective objective = Objective.elbo();
        private int trainingEpochs = 1;
        private double logVarMin = DEFAULT_LOGVAR_MIN;
        private double logVarMax = DEFAULT_LOGVAR_MAX;

        public Builder() {
            activation(Activation.IDENTITY);
        }

        /** The ELBO with KL weight β ≥ 0 (default 1), keeping the schedule and free bits set so far. */
        public Builder beta(double beta) {
            try {
                this.objective = new Objective(Objective.Kind.ELBO, beta, 1, objective.freeBits(), objective.klSchedule());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("VariationalLayer " + e.getMessage());
            }
            return this;
        }

        /** The objective: the ELBO (β, KL schedule, free bits) or IWAE-k (default: the ELBO). */
        public Builder objective(Objective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /** Epochs of the run, which a cyclical KL schedule cuts into cycles (default 1). */
        public Builder trainingEpochs(int epochs) {
            this.trainingEpochs = epochs;
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
            if (trainingEpochs < 1) {
                throw new IllegalArgumentException("VariationalLayer trainingEpochs must be >= 1, got " + trainingEpochs);
            }
            if (objective.schedule() instanceof io.github.vae4j.config.KlSchedule.Cyclical c && c.cycles() > trainingEpochs) {
                throw new IllegalArgumentException("VariationalLayer klSchedule " + objective.klSchedule() + " has more "
                        + "cycles than the run has epochs (trainingEpochs " + trainingEpochs + "); set trainingEpochs");
            }
            if (!(logVarMin < logVarMax)) {
                throw new IllegalArgumentException(
                        "VariationalLayer logVarMin must be < logVarMax, got " + logVarMin + " >= " + logVarMax);
            }
            return new VariationalLayer(this);
        }
    }
}
