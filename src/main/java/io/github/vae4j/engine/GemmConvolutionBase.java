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
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import io.github.vae4j.util.SpinningWorkers;

/**
 * What {@link GemmConvolution2DLayer} and {@link GemmDeconvolution2DLayer} share: the training forward pass keeps the
 * pre-activation for backprop (DL4J's layers compute their forward pass again there), the bias is added per channel
 * and its gradient summed per channel, and the weight tensor is used as a matrix view. Parameter keys are DL4J's
 * ("W", "b"), the same for convolutions and transposed convolutions.
 */
abstract class GemmConvolutionBase extends ConvolutionLayer {

    /** The pre-activation of the latest training forward pass, or null. */
    private INDArray preActivation;
    /** What the layer keeps from its training forward pass for backprop (the patches, or the input), or null. */
    private INDArray saved;

    GemmConvolutionBase(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The layer's linear part without the bias: [n, C', h', w'], a new contiguous 'c'-order array. */
    abstract INDArray product(boolean training, LayerWorkspaceMgr workspaceMgr);

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = product(training, workspaceMgr);
        addBias(z);
        return new Pair<>(z, null);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        IActivation act = layerConf().getActivationFn();
        INDArray z = product(training, workspaceMgr);
        if (BiasActivationKernel.supports(act) && ChannelBiasKernel.applies(z)) {
            INDArray pre = training ? workspaceMgr.createUninitialized(ArrayType.INPUT, z.dataType(), z.shape(), 'c') : null;
            ChannelBiasKernel.forward(z, layerConf().hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null, pre,
                    act instanceof ActivationReLU);
            preActivation = pre;
            return z;
        }
        addBias(z);
        preActivation = training ? workspaceMgr.dup(ArrayType.INPUT, z, 'c') : null;
        return act.getActivation(z, training);
    }

    /**
     * δ = ε ⊙ act′(z) for the kept pre-activation z, which is used up, as a contiguous 'c'-order array; also writes
     * the bias gradient db = Σ δ per channel into the gradient view and {@code gradient}. Fails without a training
     * forward pass.
     */
    INDArray delta(INDArray epsilon, String layer, Gradient gradient, LayerWorkspaceMgr workspaceMgr) {
        if (preActivation == null) {
            throw new IllegalStateException(layer + " backprop called without a training forward pass " + layerId());
        }
        IActivation act = layerConf().getActivationFn();
        INDArray pre = preActivation;
        preActivation = null;
        INDArray eps = epsilon.castTo(dataType);
        if (BiasActivationKernel.supports(act) && ChannelBiasKernel.applies(pre, eps)) {
            INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, pre.shape(), 'c');
            double[] db = ChannelBiasKernel.backward(pre, eps, delta, act instanceof ActivationReLU);
            if (layerConf().hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                HostBuffers.write(db, biasGrad);
                gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            return delta;
        }
        INDArray delta = contiguous(act.backprop(pre, epsilon).getFirst(), ArrayType.BP_WORKING_MEM, workspaceMgr);
        biasGradient(delta, gradient);
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
    private void biasGradient(INDArray delta, Gradient gradient) {
        if (layerConf().hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
    }

    /** One example's matrix product, written into {@code dest} at element {@code destAt} with the given β. */
    @FunctionalInterface
    interface ExampleProduct {
        void compute(int example, INDArray dest, long destAt, double beta);
    }

    /** Fixed example chunks of a weight-gradient sum: the summation order, so the result, is the same on any machine. */
    static final int GRADIENT_CHUNKS = 4;

    /** body(i) for every example i of n, the examples in fixed chunks claimed by the shared worker threads. */
    static void forEachExample(int n, java.util.function.IntConsumer body) {
        if (n == 0) {
            return;
        }
        SpinningWorkers workers = SpinningWorkers.shared();
        int chunks = Math.min(n, workers.threads() * 2);
        workers.run(Math.max(chunks, 1), j -> {
            for (int i = (int) ((long) j * n / chunks); i < (long) (j + 1) * n / chunks; i++) {
                body.accept(i);
            }
        });
    }

    /**
     * target ← Σ_i product_i over the n examples (a weight gradient). The examples go in {@value #GRADIENT_CHUNKS} fixed
     * chunks, each summed into its own buffer (the first into target) by whichever thread claims it, and the buffers
     * are added to target in chunk order.
     */
    static void sumOverExamples(int n, INDArray target, ExampleProduct product, LayerWorkspaceMgr workspaceMgr) {
        if (n == 0) {
            target.assign(0);
            return;
        }
        int chunks = Math.max(1, Math.min(n, GRADIENT_CHUNKS));
        long len = target.length();
        INDArray partial = chunks == 1 ? null : workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM,
                target.dataType(), new long[] {chunks - 1, len}, 'c');
        SpinningWorkers.shared().run(chunks, j -> {
            INDArray dest = j == 0 ? target : partial;
            long at = j == 0 ? 0 : (j - 1) * len;
            int from = (int) ((long) j * n / chunks);
            int to = (int) ((long) (j + 1) * n / chunks);
            for (int i = from; i < to; i++) {
                product.compute(i, dest, at, i == from ? 0.0 : 1.0);
            }
        });
        for (int j = 1; j < chunks; j++) {
            target.addi(partial.getRow(j - 1).reshape(target.shape()));
        }
    }

    /** {@code a} itself when it is contiguous in 'c' order, else a 'c'-order copy in the given workspace. */
    static INDArray contiguous(INDArray a, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 && !a.isView() ? a : workspaceMgr.dup(type, a, 'c');
    }

    /** A 4-d weight tensor (a parameter or gradient view, contiguous 'c' order) as the matrix [rows, cols], a view. */
    static INDArray weightMatrix(INDArray w, long rows, long cols) {
        if (w.ordering() != 'c' || w.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous 'c'-order weight view, got " + w.shapeInfoToString());
        }
        return w.reshape('c', rows, cols);
    }

    /** Keeps {@code a} (or forgets, for null) for the next backprop. */
    void save(INDArray a) {
        saved = a;
    }

    /** What {@link #save} kept, which is used up; fails without a training forward pass. */
    INDArray takeSaved(String layer) {
        if (saved == null) {
            throw new IllegalStateException(layer + " backprop called without a training forward pass " + layerId());
        }
        INDArray a = saved;
        saved = null;
        return a;
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
        saved = null;
    }
}
