package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime implementation of {@link GemmConvolution2D}. With W viewed as [outC, inC·k·k]:
 * <ul>
 *   <li>forward: C = im2col(x) as [inC·k·k, n·outH·outW]; out = W·C plus the bias per channel, reordered to
 *   [n, outC, outH, outW]; C and the pre-activation are kept for backprop;</li>
 *   <li>backward, with δ = ε ⊙ act′ as D [outC, n·outH·outW]: dW = D·Cᵀ; db = Σ δ per channel;
 *   dx = col2im(Wᵀ·D).</li>
 * </ul>
 * Tested against DL4J's {@code ConvolutionLayer} and by gradient checks.
 */
public class GemmConvolution2DLayer extends GemmConvolutionBase {

    /** The im2col columns [inC·k·k, n·outH·outW] of the latest training forward pass, or null. */
    private INDArray columns;

    public GemmConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ConvShapes geometry(INDArray x) {
        return ConvShapes.convolution(layerConf(), x, "GemmConvolution2D " + layerId());
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = input.castTo(dataType);
        ConvShapes g = geometry(x);
        INDArray patches = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                new long[] {g.n(), g.inC(), g.k(), g.k(), g.outH(), g.outW()}, 'c');
        Convolution.im2col(x, g.k(), g.k(), g.s(), g.s(), g.p(), g.p(), 1, 1, false, patches);
        int kk = g.inC() * g.k() * g.k();
        INDArray c = workspaceMgr.createUninitialized(training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM, dataType,
                new long[] {g.inC(), g.k(), g.k(), g.n(), g.outH(), g.outW()}, 'c');
        c.assign(patches.permute(1, 2, 3, 0, 4, 5));
        c = c.reshape('c', kk, g.outputPixels());
        columns = training ? c : null;

        INDArray product = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                new long[] {g.outC(), g.outputPixels()}, 'c');
        Gemm.gemm(weightMatrix(getParam(ConvolutionParamInitializer.WEIGHT_KEY), g), c, product, false, false, 1.0, 0.0);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {g.n(), g.outC(), g.outH(), g.outW()}, 'c');
        out.assign(product.reshape('c', g.outC(), g.n(), g.outH(), g.outW()).permute(1, 0, 2, 3));
        addBias(out);
        return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ConvShapes g = geometry(input);
        INDArray delta = delta(epsilon, "GemmConvolution2D");
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        biasGradient(delta, gradient);
        INDArray d = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {g.outC(), g.n(), g.outH(), g.outW()}, 'c');
        d.assign(delta.permute(1, 0, 2, 3));
        d = d.reshape('c', g.outC(), g.outputPixels());

        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Gemm.gemm(d, columns, weightMatrix(weightGrad, g), false, true, 1.0, 0.0);
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        columns = null;

        int kk = g.inC() * g.k() * g.k();
        INDArray dc = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {kk, g.outputPixels()}, 'c');
        Gemm.gemm(weightMatrix(getParam(ConvolutionParamInitializer.WEIGHT_KEY), g), d, dc, true, false, 1.0, 0.0);
        INDArray epsilonNext = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {g.n(), g.inC(), g.h(), g.w()}, 'c');
        Convolution.col2im(dc.reshape('c', g.inC(), g.k(), g.k(), g.n(), g.outH(), g.outW()).permute(3, 0, 1, 2, 4, 5),
                epsilonNext, g.s(), g.s(), g.p(), g.p(), g.h(), g.w(), 1, 1);
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }

    /** W [outC, inC, k, k] (a parameter or gradient view) as the matrix [outC, inC·k·k]. */
    private static INDArray weightMatrix(INDArray w, ConvShapes g) {
        return weightMatrix(w, g.outC(), (long) g.inC() * g.k() * g.k());
    }

    @Override
    public void clear() {
        super.clear();
        columns = null;
    }
}
