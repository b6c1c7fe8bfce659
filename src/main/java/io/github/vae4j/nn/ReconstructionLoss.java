package io.github.vae4j.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;

import java.util.Arrays;

/**
 * A decoder likelihood p(x|z) used as a DL4J loss: the score is the negative log-likelihood −log p(x|z) in nats,
 * summed over the data dimensions, per example (averaged over the minibatch when DL4J asks for an average).
 *
 * <p>Subclasses implement the element-wise NLL and its gradient with respect to the output layer's
 * pre-activation; this class handles masks, reductions, shape checks and the IWAE objective's k-sample bound once.
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
    public final double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    /**
     * Per row, [rows, 1]: −log p(x|z) when the rows are the labels' rows; in the IWAE objective's training pass
     * (k rows per label row, {@link ImportanceWeights}) each of example i's k rows scores example i's bound
     * −log (1/k) Σ_s exp(log p(x|z_s) + log p(z_s) − log q(z_s|x)), so that the sum over rows divided by the rows
     * (DL4J's score) is the mean bound per example.
     */
    @Override
    public final INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask) {
        if (kSampled(labels, preOutput)) {
            return importanceWeighted(labels, preOutput, activationFn, mask, false).getFirst();
        }
        checkShapes(labels, preOutput);
        return scoreArray(labels, preOutput, activationFn, mask);
    }

    /**
     * dLoss/dpreOutput: of −log p(x|z) per row, or, in the IWAE training pass, of the bound: w̃_s · d(−log p(x|z_s))
     * for sample s with normalized importance weight w̃_s.
     */
    @Override
    public final INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (kSampled(labels, preOutput)) {
            return importanceWeighted(labels, preOutput, activationFn, mask, true).getSecond();
        }
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
    public final Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
            IActivation activationFn, INDArray mask, boolean average) {
        if (kSampled(labels, preOutput)) {
            Pair<INDArray, INDArray> both = importanceWeighted(labels, preOutput, activationFn, mask, true);
            double sum = both.getFirst().sumNumber().doubleValue();
            return new Pair<>(average ? sum / preOutput.size(0) : sum, both.getSecond());
        }
        checkShapes(labels, preOutput);
        return gradientAndScore(labels, preOutput, activationFn, mask, average);
    }

    /** −log p(x|z) per row, [minibatch, 1], shapes checked; subclasses may override with a faster equivalent. */
    protected INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray nll = negLogLikelihood(labels, preOutput, activationFn);
        if (mask != null) {
            LossUtil.applyMask(nll, mask);
        }
        return nll.sum(true, 1);
    }

    /** Score and gradient of −log p(x|z), shapes checked; subclasses may override with a faster equivalent. */
    protected Pair<Double, INDArray> gradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask, boolean average) {
        double sum = scoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return new Pair<>(average ? sum / labels.size(0) : sum, computeGradient(labels, preOutput, activationFn, mask));
    }

    /** Whether the output has k &gt; 1 rows per label row: the IWAE objective's training pass. */
    private static boolean kSampled(INDArray labels, INDArray preOutput) {
        long n = labels.size(0);
        long rows = preOutput.size(0);
        return labels.rank() == 2 && preOutput.rank() == 2 && rows > n && n > 0 && rows % n == 0;
    }

    /**
     * The IWAE bound (Burda et al. 2016, eq. 8) from the k·n rows of one training pass: a_s = log p(x|z_s) + r_s
     * with r_s = log p(z_s) − log q(z_s|x) from the variational layer; per example the bound's negative
     * −(logsumexp_s a_s − log k), repeated on each of its k rows, and (when asked) the gradient w̃_s · d(−log
     * p(x|z_s))/d preOutput with w̃ = softmax_s(a), which also goes to the variational layer for its own terms.
     */
    private Pair<INDArray, INDArray> importanceWeighted(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask, boolean withGradient) {
        if (mask != null) {
            throw new IllegalArgumentException(name() + ": the IWAE objective does not take masks");
        }
        int n = Math.toIntExact(labels.size(0));
        ImportanceWeights tape = ImportanceWeights.forLoss(preOutput.size(0), n);
        int k = tape.samples();
        INDArray x = Nd4j.tile(labels.castTo(preOutput.dataType()), k, 1);
        checkShapes(x, preOutput);
        double[] nll = scoreArray(x, preOutput, activationFn, null).castTo(DataType.DOUBLE).toDoubleVector();
        double[] bound = new double[k * n];
        double[] weights = new double[k * n];
        double logK = Math.log(k);
        double[] a = new double[k];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < k; s++) {
                int row = s * n + i;
                a[s] = -nll[row] + tape.logPriorOverPosterior(row);
            }
            double logSumExp = VaeMath.logSumExp(a);
            for (int s = 0; s < k; s++) {
                int row = s * n + i;
                weights[row] = Math.exp(a[s] - logSumExp);
                bound[row] = -(logSumExp - logK);
            }
        }
        tape.setNormalizedWeights(weights);
        INDArray scores = Nd4j.createFromArray(bound).reshape(k * n, 1).castTo(preOutput.dataType());
        if (!withGradient) {
            return new Pair<>(scores, null);
        }
        INDArray w = Nd4j.createFromArray(weights).reshape(k * n, 1).castTo(preOutput.dataType());
        return new Pair<>(scores, gradient(x, preOutput, activationFn).muliColumnVector(w));
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
