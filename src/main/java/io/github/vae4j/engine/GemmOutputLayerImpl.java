package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime implementation of {@link GemmOutputLayer}. DL4J's ComputationGraph calls backprop on an output layer and
 * then asks for its score on the same input and labels; backprop here computes the loss's gradient and score from
 * one pre-activation and keeps the score (a number) for that call. A score request for any other input, labels or
 * a new forward pass computes the score afresh.
 */
public class GemmOutputLayerImpl extends BaseOutputLayer<GemmOutputLayer> {

    /** Unnormalized score (sum over the minibatch) of the latest backprop, or NaN. */
    private double backpropScore = Double.NaN;
    private INDArray scoredInput;
    private INDArray scoredLabels;

    public GemmOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray in = input.castTo(dataType);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        long mb = in.size(0);
        INDArray preOut = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {mb, layerConf().getNOut()}, 'f');
        Affine.forward(in, w, getParam(DefaultParamInitializer.BIAS_KEY), preOut);

        Pair<Double, INDArray> scoreAndGrad = layerConf().getLossFn().computeGradientAndScore(
                sameOrder(labels, preOut, workspaceMgr), preOut, layerConf().getActivationFn(), maskArray, false);
        INDArray delta = scoreAndGrad.getSecond();

        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        Affine.parameterGradients(in, delta, weightGrad, biasGrad);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        this.gradient = gradient;

        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {mb, layerConf().getNIn()}, 'f');
        Affine.inputGradient(delta, w, epsilonNext);
        epsilonNext = backpropDropOutIfPresent(epsilonNext);

        backpropScore = scoreAndGrad.getFirst();
        scoredInput = input;
        scoredLabels = labels;
        return new Pair<>(gradient, epsilonNext);
    }

    /**
     * x·W + b through {@link Affine} (the product on both cores, straight into BLAS), for every path that asks the
     * layer for its pre-activation: {@code output()}, and {@code computeScoreForExamples}, through which evaluation
     * and importance sampling score decoded rows. DL4J's own version is an ND4J matmul op plus a broadcast add.
     */
    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = input.castTo(dataType);
        if (in.rank() != 2 || in.size(1) != layerConf().getNIn()) {
            throw new org.deeplearning4j.exception.DL4JInvalidInputException("GemmOutputLayer expects input of shape "
                    + "[minibatch, " + layerConf().getNIn() + "], got " + java.util.Arrays.toString(in.shape()) + " "
                    + layerId());
        }
        // rows contiguous ('c'): the per-example scores of evaluation read the output row by row
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {in.size(0), layerConf().getNOut()}, 'c');
        return Affine.forward(in, getParam(DefaultParamInitializer.WEIGHT_KEY), getParam(DefaultParamInitializer.BIAS_KEY),
                out);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (training && !Double.isNaN(backpropScore) && input == scoredInput && labels == scoredLabels) {
            double s = backpropScore;
            forgetBackpropScore();
            if (conf().isMiniBatch()) {
                s /= getInputMiniBatchSize();
            }
            this.score = s + fullNetRegTerm;
            return this.score;
        }
        forgetBackpropScore();
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        forgetBackpropScore();
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        forgetBackpropScore();
    }

    private void forgetBackpropScore() {
        backpropScore = Double.NaN;
        scoredInput = null;
        scoredLabels = null;
    }

    /**
     * The labels in the pre-activation's memory order: ND4J's element-wise ops on mixed 'c'/'f' operands take a
     * per-element index path instead of a contiguous loop, and {@link BernoulliKernel} needs matching orders.
     */
    private INDArray sameOrder(INDArray labels, INDArray preOut, LayerWorkspaceMgr workspaceMgr) {
        INDArray l = labels.castTo(dataType);
        if (l.ordering() == preOut.ordering() && l.elementWiseStride() == 1) {
            return l;
        }
        return workspaceMgr.dup(ArrayType.BP_WORKING_MEM, l, preOut.ordering());
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }
}
