package io.github.vae4j.nn;

import io.github.vae4j.engine.BernoulliKernel;
import io.github.vae4j.engine.HostBuffers;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

    /**
     * Training's hot path (no mask): one Java pass ({@link BernoulliKernel}) on both threads that computes σ(l), the
     * gradient σ(l) − x and the score, with one logarithm per 64 elements. Masks, and arrays the kernel does not take
     * (mixed types or memory orders), go through the element-wise definition.
     */
    @Override
    protected Pair<Double, INDArray> gradientAndScore(INDArray labels, INDArray preOutput,
            IActivation activationFn, INDArray mask, boolean average) {
        checkActivation(activationFn);
        if (mask != null || !BernoulliKernel.applies(preOutput, labels)) {
            return super.gradientAndScore(labels, preOutput, activationFn, mask, average);
        }
        INDArray gradient = Nd4j.createUninitialized(preOutput.dataType(), preOutput.shape(), preOutput.ordering());
        double sum = BernoulliKernel.gradientAndScore(preOutput, labels, gradient);
        return new Pair<>(average ? sum / labels.size(0) : sum, gradient);
    }

    /**
     * Evaluation's hot path (importance sampling decodes k·n rows and scores them per example through DL4J's
     * {@code computeScoreForExamples}): without a mask, one per-row Java pass ({@link BernoulliKernel#rowScores}, σ
     * computed there as in training) over 'c'-order rows (copied into that order when they come in another);
     * otherwise the element-wise definition.
     */
    @Override
    protected INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkActivation(activationFn);
        if (mask != null || labels.dataType() != preOutput.dataType()) {
            return super.scoreArray(labels, preOutput, activationFn, mask);
        }
        INDArray logits = preOutput.ordering() == 'c' && preOutput.elementWiseStride() == 1 ? preOutput : preOutput.dup('c');
        INDArray x = labels.ordering() == 'c' && labels.elementWiseStride() == 1 ? labels : labels.dup('c');
        if (!BernoulliKernel.applies(logits, x)) {
            return super.scoreArray(labels, preOutput, activationFn, mask);
        }
        double[] nll = new double[Math.toIntExact(x.size(0))];
        BernoulliKernel.rowScores(logits, x, nll);
        INDArray out = Nd4j.createUninitialized(logits.dataType(), new long[] {nll.length, 1}, 'c');
        HostBuffers.write(nll, out);
        return out;
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
