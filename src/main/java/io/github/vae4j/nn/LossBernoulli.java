package io.github.vae4j.nn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Bernoulli likelihood on logits, for data in [0, 1]: −log p(x|l) = softplus(l) − x·l per dimension, the exact
 * binary cross-entropy for any logit l (no probability clipping), with gradient σ(l) − x.
 *
 * <p>Use it with a SIGMOID output activation (the network's output is then the probability, the mean of p(x|z));
 * the loss reads the logits straight from the pre-activation, so saturated units keep their exact loss and
 * gradient. IDENTITY output activation (the output is the logit) is accepted too. DL4J's {@code LossBinaryXENT}
 * clips probabilities instead: for logits [−20, 0, 20] and targets [1, 1, 0] it reports 23.72 nats instead of 40.69.
 */
public class LossBernoulli extends ReconstructionLoss {

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
        checkActivation(activationFn);
        return VaeMath.softplus(preOutput).subi(x.mul(preOutput));
    }

    @Override
    protected INDArray gradient(INDArray x, INDArray preOutput, IActivation activationFn) {
        checkActivation(activationFn);
        return Transforms.sigmoid(preOutput, true).subi(x);
    }

    private void checkActivation(IActivation activationFn) {
        if (!(activationFn instanceof ActivationSigmoid) && !(activationFn instanceof ActivationIdentity)) {
            throw new IllegalArgumentException(
                    "LossBernoulli needs a SIGMOID or IDENTITY output activation, got " + activationFn);
        }
    }

    @Override
    public String name() {
        return "LossBernoulli";
    }
}
