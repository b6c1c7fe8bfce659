package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link GemmConvolution2DLayer} and {@link GemmDeconvolution2DLayer} share: the training forward pass keeps the
 * pre-activation for backprop (DL4J's layers compute their forward pass again there), the bias is added per channel
 * and its gradient summed per channel, and the weight tensor is used as a matrix view. Parameter keys are DL4J's
 * ("W", "b"), the same for convolutions and transposed convolutions.
 */
abstract class GemmConvolutionBase extends ConvolutionLayer {

    /** The pre-activation of the latest training forward pass, or null. */
    private INDArray preActivation;

    GemmConvolutionBase(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray z = preOutput(training, false, workspaceMgr).getFirst();
        preActivation = training ? workspaceMgr.dup(ArrayType.INPUT, z, 'c') : null;
        return layerConf().getActivationFn().getActivation(z, training);
    }

    /** δ = ε ⊙ act′(z) for the kept pre-activation z, which is used up; fails without a training forward pass. */
    INDArray delta(INDArray epsilon, String layer) {
        if (preActivation == null) {
            throw new IllegalStateException(layer + " backprop called without a training forward pass " + layerId());
        }
        INDArray delta = layerConf().getActivationFn().backprop(preActivation, epsilon).getFirst();
        preActivation = null;
        return delta;
    }

    /** out [n, C, h, w] += b per channel C, when the layer has a bias. */
    void addBias(INDArray out) {
        if (layerConf().hasBias()) {
            INDArray b = getParam(ConvolutionParamInitializer.BIAS_KEY);
            Nd4j.exec(new BroadcastAddOp(out, b.reshape(b.length()), out, 1));
        }
    }

    /** db = Σ δ over examples and pixels, per channel, into the gradient view and {@code gradient}. */
    void biasGradient(INDArray delta, Gradient gradient) {
        if (layerConf().hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
    }

    /** A 4-d weight tensor (a parameter or gradient view, contiguous 'c' order) as the matrix [rows, cols], a view. */
    static INDArray weightMatrix(INDArray w, long rows, long cols) {
        if (w.ordering() != 'c' || w.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous 'c'-order weight view, got " + w.shapeInfoToString());
        }
        return w.reshape('c', rows, cols);
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
    }
}
