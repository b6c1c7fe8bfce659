package io.github.vae4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * Adam (Kingma &amp; Ba 2015) as a DL4J updater, with the same math, defaults and state layout as DL4J's
 * {@code Adam}, applied as one fused, SIMD-compiled pass over the gradient and state buffers
 * ({@link OnePassAdamUpdater}), instead of ND4J's {@code adam_updater} op. {@code vae4j bench} times both at the
 * reference model's 652,824 parameters (docs/benchmarks.md). The update for step t = iteration + 1 is
 * <pre>m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  Δ = α·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)</pre>
 */
public final class OnePassAdam implements IUpdater {

    private final double learningRate;
    private final ISchedule learningRateSchedule;
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    public OnePassAdam(double learningRate) {
        this(learningRate, null, 0.9, 0.999, 1e-8);
    }

    public OnePassAdam(@JsonProperty("learningRate") double learningRate,
                    @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                    @JsonProperty("beta1") double beta1,
                    @JsonProperty("beta2") double beta2,
                    @JsonProperty("epsilon") double epsilon) {
        if (learningRateSchedule == null && !(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs beta1, beta2 in [0, 1) and epsilon > 0, got beta1=" + beta1
                    + " beta2=" + beta2 + " epsilon=" + epsilon);
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @JsonProperty("learningRate")
    public double learningRate() {
        return learningRate;
    }

    @JsonProperty("learningRateSchedule")
    public ISchedule learningRateSchedule() {
        return learningRateSchedule;
    }

    @JsonProperty("beta1")
    public double beta1() {
        return beta1;
    }

    @JsonProperty("beta2")
    public double beta2() {
        return beta2;
    }

    @JsonProperty("epsilon")
    public double epsilon() {
        return epsilon;
    }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        OnePassAdamUpdater u = new OnePassAdamUpdater(this);
        INDArray flat = viewArray.reshape(viewArray.length());
        long[] gradientShape = {flat.length() / 2};
        u.setStateViewArray(flat, gradientShape, flat.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        OnePassAdamUpdater u = new OnePassAdamUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public OnePassAdam clone() {
        return new OnePassAdam(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), beta1,
                beta2, epsilon);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        throw new UnsupportedOperationException("OnePassAdam is immutable; build a new one with the learning rate");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnePassAdam a && a.learningRate == learningRate && Objects.equals(a.learningRateSchedule,
                learningRateSchedule) && a.beta1 == beta1 && a.beta2 == beta2 && a.epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, beta1, beta2, epsilon);
    }

    @Override
    public String toString() {
        return "OnePassAdam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
    }
}
