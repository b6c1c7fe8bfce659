package io.github.vae4j.nn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Objects;

/**
 * Gaussian likelihood with a fixed standard deviation σ: −log p(x|μ) = ½((x − μ)²/σ² + log 2πσ²) per dimension,
 * where μ is the output layer's activation (use IDENTITY for unbounded data). With σ = 1 this is half the squared
 * error plus a constant, in nats.
 */
public class LossGaussian extends ReconstructionLoss {

    private double sigma = 1.0;

    /** For JSON deserialization. */
    public LossGaussian() {
    }

    public LossGaussian(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("LossGaussian sigma must be finite and > 0, got " + sigma);
        }
        this.sigma = sigma;
    }

    public double getSigma() {
        return sigma;
    }

    public void setSigma(double sigma) {
        this.sigma = sigma;
    }

    @Override
    public long outputSize(long dataSize) {
        return dataSize;
    }

    @Override
    public INDArray mean(INDArray outputActivations) {
        return outputActivations;
    }

    @Override
    protected INDArray negLogLikelihood(INDArray x, INDArray preOutput, IActivation activationFn) {
        INDArray mu = activationFn.getActivation(preOutput.dup(), true);
        INDArray diff = mu.subi(x);
        return diff.muli(diff).divi(sigma * sigma).addi(VaeMath.LOG_2PI + 2 * Math.log(sigma)).muli(0.5);
    }

    @Override
    protected INDArray gradient(INDArray x, INDArray preOutput, IActivation activationFn) {
        INDArray mu = activationFn.getActivation(preOutput.dup(), true);
        INDArray dMu = mu.subi(x).divi(sigma * sigma);
        return activationFn.backprop(preOutput.dup(), dMu).getFirst();
    }

    @Override
    public String name() {
        return "LossGaussian(sigma=" + sigma + ")";
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((LossGaussian) o).sigma == sigma;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), sigma);
    }
}
