package io.github.vae4j.engine;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Runtime implementation of {@link GemmDenseLayer}. The training forward pass keeps the pre-activation in the INPUT
 * workspace (alive until the end of the iteration's backward pass), backprop writes the weight and bias gradients
 * straight into the gradient views and the input gradient with one GEMM ({@link Affine}). With a plain ReLU or
 * identity activation, bias, activation and their backprop run as Java passes ({@link BiasActivationKernel}). Gradients are
 * sums over the minibatch (DL4J's convention; the updater divides).
 */
public class GemmDenseLayerImpl extends BaseLayer<GemmDenseLayer> {

    /** in·W + b of the latest training forward pass, or null. */
    private INDArray preOutput;

    public GemmDenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = checkedInput();
        long[] shape = {in.size(0), layerConf().getNOut()};
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'f');
        IActivation act = layerConf().getActivationFn();
        INDArray bias = getParam(DefaultParamInitializer.BIAS_KEY);
        if (BiasActivationKernel.supports(act) && BiasActivationKernel.applies(out) && bias.dataType() == dataType
                && bias.elementWiseStride() == 1) {
            Affine.product(in, weights(), out);
            preOutput = training ? workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, shape, 'f') : null;
            BiasActivationKernel.forward(out, bias, preOutput, act instanceof ActivationReLU);
            return out;
        }
        Affine.forward(in, weights(), bias, out);
        preOutput = training ? workspaceMgr.dup(ArrayType.INPUT, out, 'f') : null;
        return act.getActivation(out, training);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (preOutput == null) {
            throw new IllegalStateException("GemmDenseLayer backprop called without a training forward pass " + layerId());
        }
        // dL/d(pre-activation), written over the cached pre-activation (used only here)
        INDArray in = input.castTo(dataType);
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        IActivation act = layerConf().getActivationFn();
        INDArray delta;
        boolean kernel = BiasActivationKernel.supports(act) && BiasActivationKernel.applies(preOutput)
                && epsilon.dataType() == preOutput.dataType() && biasGrad.elementWiseStride() == 1;
        if (kernel && !BiasActivationKernel.applies(preOutput, epsilon)) {
            // ε in another layout (a 'c'-order gradient from a conv block above): one copy in the kernel's layout is
            // cheaper than ND4J's activation backprop
            epsilon = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, epsilon, 'f');
        }
        if (kernel && BiasActivationKernel.applies(preOutput, epsilon)) {
            BiasActivationKernel.backward(preOutput, epsilon, biasGrad, act instanceof ActivationReLU);
            delta = preOutput;
            Affine.weightGradient(in, delta, weightGrad);
        } else {
            delta = act.backprop(preOutput, epsilon).getFirst();
            Affine.parameterGradients(in, delta, weightGrad, biasGrad);
        }
        preOutput = null;

        INDArray epsilonNext = null;
        if (layerConf().isInputGradient()) {
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                    new long[] {in.size(0), layerConf().getNIn()}, 'f');
            Affine.inputGradient(delta, weights(), epsilonNext);
            epsilonNext = backpropDropOutIfPresent(epsilonNext);
        }

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        return new Pair<>(gradient, epsilonNext);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        preOutput = null;
    }

    private INDArray weights() {
        return getParam(DefaultParamInitializer.WEIGHT_KEY);
    }

    private INDArray checkedInput() {
        INDArray in = input.castTo(dataType);
        if (in.rank() != 2 || in.size(1) != layerConf().getNIn()) {
            throw new DL4JInvalidInputException("GemmDenseLayer expects input of shape [minibatch, "
                    + layerConf().getNIn() + "], got " + Arrays.toString(in.shape()) + " " + layerId());
        }
        return in;
    }
}
