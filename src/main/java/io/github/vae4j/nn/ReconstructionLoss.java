package io.github.vae4j.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;

import java.util.Arrays;

/**
 * A decoder likelihood p(x|z) used as a DL4J loss: the score is the negative log-likelihood −log p(x|z) in nats,
 * summed over the data dimensions, per example (averaged over the minibatch when DL4J asks for an average).
 *
 * <p>Subclasses implement the element-wise NLL and its gradient with respect to the output layer's
 * pre-activation; this class handles masks, reductions and shape checks once.
 */
public abstract class ReconstructionLoss implements ILossFunction {

    /** Number of output-layer units needed to model data of {@code dataSize} dimensions. */
    public abstract long outputSize(long dataSize);

    /**
     * The mean of p(x|z) from the output layer's activations, i.e. what DL4J's {@code output()} returns for the
     * network vae4j builds (probabilities for Bernoulli, the mean half for a learned-variance Gaussian).
     */
    public abstract INDArray mean(INDArray outputActivations);

    /** Element-wise NLL, shape [minibatch, dataSize]. */
    protected abstract INDArray negLogLikelihood(INDArray x, INDArray preOutput, IActivation activationFn);

    /** dNLL/dpreOutput, shape of preOutput, unmasked. */
    protected abstract INDArray gradient(INDArray x, INDArray preOutput, IActivation activationFn);

    /** Per-example log p(x|z) in nats, shape [minibatch, 1]. */
    public INDArray logLikelihood(INDArray x, INDArray preOutput, IActivation activationFn) {
        return computeScoreArray(x, preOutput, activationFn, null).negi();
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / labels.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkShapes(labels, preOutput);
        INDArray nll = negLogLikelihood(labels, preOutput, activationFn);
        if (mask != null) {
            LossUtil.applyMask(nll, mask);
        }
        return nll.sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkShapes(labels, preOutput);
        INDArray grad = gradient(labels, preOutput, activationFn);
        if (mask != null) {
            if (grad.size(1) != mask.size(1) && mask.size(1) != 1) {
                throw new IllegalArgumentException(name() + " supports per-example masks [minibatch, 1] or masks of the "
                        + "output's shape, got mask " + Arrays.toString(mask.shape()));
            }
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    void checkShapes(INDArray labels, INDArray preOutput) {
        if (labels.rank() != 2 || preOutput.rank() != 2 || labels.size(0) != preOutput.size(0)
                || outputSize(labels.size(1)) != preOutput.size(1)) {
            throw new IllegalArgumentException(name() + ": data of shape " + Arrays.toString(labels.shape())
                    + " needs network output of shape [" + labels.size(0) + ", " + outputSize(labels.size(1))
                    + "], got " + Arrays.toString(preOutput.shape()));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
