package io.github.vae4j.nn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Objects;

/**
 * Gaussian likelihood with a learned per-dimension variance: the output layer emits [μ | log σ²] (2·D units for D
 * data dimensions) and −log p(x|μ, σ²) = ½((x − μ)² / σ² + log σ² + log 2π) per dimension.
 *
 * <p>log σ² is soft-clamped into ({@code logVarMin}, {@code logVarMax}) (see {@link VaeMath#softClamp}) so that
 * the likelihood cannot diverge by shrinking σ to zero on a single pixel. Use an IDENTITY output activation.
 */
public class LossGaussianLearnedVariance extends ReconstructionLoss {

    private double logVarMin = -10.0;
    private double logVarMax = 10.0;

    /** Bounds −10 and 10 (σ from 0.0067 to 148). */
    public LossGaussianLearnedVariance() {
    }

    public LossGaussianLearnedVariance(double logVarMin, double logVarMax) {
        if (!(logVarMin < logVarMax)) {
            throw new IllegalArgumentException(
                    "LossGaussianLearnedVariance logVarMin must be < logVarMax, got " + logVarMin + " >= " + logVarMax);
        }
        this.logVarMin = logVarMin;
        this.logVarMax = logVarMax;
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
    public long outputSize(long dataSize) {
        return 2 * dataSize;
    }

    @Override
    public INDArray mean(INDArray outputActivations) {
        return half(outputActivations, 0).dup();
    }

    /** The clamped log σ² half of the output layer's activations. */
    public INDArray logVariance(INDArray outputActivations) {
        return VaeMath.softClamp(half(outputActivations, 1), logVarMin, logVarMax);
    }

    @Override
    protected INDArray negLogLikelihood(INDArray x, INDArray preOutput, IActivation activationFn) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray logVar = logVariance(out);
        INDArray diff = half(out, 0).sub(x);
        return diff.muli(diff).muli(Transforms.exp(logVar.neg(), false)).addi(logVar).addi(VaeMath.LOG_2PI).muli(0.5);
    }

    @Override
    protected INDArray gradient(INDArray x, INDArray preOutput, IActivation activationFn) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray raw = half(out, 1);
        INDArray invVar = Transforms.exp(VaeMath.softClamp(raw, logVarMin, logVarMax).negi(), false);
        INDArray diff = half(out, 0).sub(x);
        INDArray dMu = diff.mul(invVar);
        // d/dlogσ² of ½((x−μ)² e^{−logσ²} + logσ²) = ½(1 − (x−μ)² e^{−logσ²})
        INDArray dLogVar = diff.muli(diff).muli(invVar).rsubi(1.0).muli(0.5)
                .muli(VaeMath.softClampDerivative(raw, logVarMin, logVarMax));
        INDArray dOut = Nd4j.hstack(dMu, dLogVar);
        return activationFn.backprop(preOutput.dup(), dOut).getFirst();
    }

    private static INDArray half(INDArray out, int which) {
        long d = out.size(1) / 2;
        return out.get(NDArrayIndex.all(), NDArrayIndex.interval(which * d, (which + 1) * d));
    }

    @Override
    public String name() {
        return "LossGaussianLearnedVariance(logVarRange=(" + logVarMin + ", " + logVarMax + "))";
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((LossGaussianLearnedVariance) o).logVarMin == logVarMin
                && ((LossGaussianLearnedVariance) o).logVarMax == logVarMax;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), logVarMin, logVarMax);
    }
}
