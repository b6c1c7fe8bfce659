package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Runtime implementation of {@link GemmDeconvolution2D}. With W viewed as [inC, outC·k·k] and the input as
 * X [inC, n·h·w]:
 * <ul>
 *   <li>forward: columns = Wᵀ·X, then col2im scatters each column back to the output image (stride s, padding p),
 *   plus the bias per output channel; the pre-activation is kept for backprop;</li>
 *   <li>backward, with δ = ε ⊙ act′: D = im2col(δ) [outC·k·k, n·h·w]; dW = X·Dᵀ; dX = W·D; db = Σ δ per channel.</li>
 * </ul>
 * A transposed convolution is the input gradient of a convolution, which is why its forward pass is col2im and its
 * backward pass im2col. The parameter layout is DL4J's {@code Deconvolution2DLayer}'s; tested against that layer and by
 * gradient checks.
 */
public class GemmDeconvolution2DLayer extends GemmConvolutionBase {

    /** The input as X [inC, n·h·w] from the latest training forward pass, or null. */
    private INDArray inputColumns;

    public GemmDeconvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ConvShapes geometry(INDArray x) {
        return ConvShapes.transposed(layerConf(), x, "GemmDeconvolution2D " + layerId());
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = input.castTo(dataType);
        ConvShapes g = geometry(x);
        ArrayType keep = training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM;
        INDArray xm = workspaceMgr.createUninitialized(keep, dataType, new long[] {g.inC(), g.n(), g.h(), g.w()}, 'c');
        xm.assign(x.permute(1, 0, 2, 3));
        xm = xm.reshape('c', g.inC(), (long) g.n() * g.h() * g.w());
        inputColumns = training ? xm : null;

        int kk = g.outC() * g.k() * g.k();
        INDArray columns = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                new long[] {kk, (long) g.n() * g.h() * g.w()}, 'c');
        Gemm.gemm(weightMatrix(getParam(DeconvolutionParamInitializer.WEIGHT_KEY), g), xm, columns, true, false, 1.0, 0.0);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType, new long[] {g.n(), g.outC(), g.outH(), g.outW()},
                'c');
        Convolution.col2im(columns.reshape('c', g.outC(), g.k(), g.k(), g.n(), g.h(), g.w()).permute(3, 0, 1, 2, 4, 5),
                out, g.s(), g.s(), g.p(), g.p(), g.outH(), g.outW(), 1, 1);
        addBias(out);
        return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ConvShapes g = geometry(input);
        INDArray delta = delta(epsilon, "GemmDeconvolution2D");
        INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        biasGradient(delta, gradient);

        int kk = g.outC() * g.k() * g.k();
        long cols = (long) g.n() * g.h() * g.w();
        INDArray patches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {g.n(), g.outC(), g.k(), g.k(), g.h(), g.w()}, 'c');
        Convolution.im2col(delta, g.k(), g.k(), g.s(), g.s(), g.p(), g.p(), 1, 1, false, patches);
        INDArray d = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {g.outC(), g.k(), g.k(), g.n(), g.h(), g.w()}, 'c');
        d.assign(patches.permute(1, 2, 3, 0, 4, 5));
        d = d.reshape('c', kk, cols);

        INDArray dW = weightMatrix(weightGrad, g);
        Gemm.gemm(inputColumns, d, dW, false, true, 1.0, 0.0);
        gradient.gradientForVariable().put(DeconvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        inputColumns = null;

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {g.inC(), cols}, 'c');
        Gemm.gemm(weightMatrix(getParam(DeconvolutionParamInitializer.WEIGHT_KEY), g), d, dx, false, false, 1.0, 0.0);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {g.n(), g.inC(), g.h(), g.w()}, 'c');
        epsilonNext.assign(dx.reshape('c', g.inC(), g.n(), g.h(), g.w()).permute(1, 0, 2, 3));
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }

    /** W [inC, outC, k, k] (a parameter or gradient view) as the matrix [inC, outC·k·k]. */
    private static INDArray weightMatrix(INDArray w, ConvShapes g) {
        return weightMatrix(w, g.inC(), (long) g.outC() * g.k() * g.k());
    }

    @Override
    public void clear() {
        super.clear();
        inputColumns = null;
    }
}
