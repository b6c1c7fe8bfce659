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


/**
 * Runtime implementation of {@link GemmDeconvolution2D}. With W viewed as [inC, outC·k·k] and, per example i, the
 * input x_i [inC, h·w]:
 * <ul>
 *   <li>forward: columns_i = Wᵀ·x_i [outC·k·k, h·w], then col2im scatters them back to the output image (stride s,
 *   padding p), plus the bias per output channel; the pre-activation is kept for backprop;</li>
 *   <li>backward, with δ = ε ⊙ act′ and D_i = im2col(δ)_i [outC·k·k, h·w]: dW = Σ_i x_i·D_iᵀ; dx_i = W·D_i;
 *   db = Σ δ per channel.</li>
 * </ul>
 * As in {@link GemmConvolution2DLayer}, every array keeps its natural 'c' layout and the per-example work runs on the
 * shared worker threads.
 * A transposed convolution is the input gradient of a convolution, which is why its forward pass is col2im and its
 * backward pass im2col. The parameter layout is DL4J's {@code Deconvolution2DLayer}'s; tested against that layer and by
 * gradient checks.
 */
public class GemmDeconvolution2DLayer extends GemmConvolutionBase {


    public GemmDeconvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ConvShapes geometry(INDArray x) {
        return ConvShapes.transposed(layerConf(), x, "GemmDeconvolution2D " + layerId());
    }

    @Override
    INDArray product(boolean training, LayerWorkspaceMgr workspaceMgr) {
        // kept for backprop: the layer's input itself, or a copy in the INPUT workspace when a cast or a layout
        // change made a new array
        INDArray cast = input.castTo(dataType);
        INDArray x = cast == input ? contiguous(cast, training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM, workspaceMgr)
                : workspaceMgr.dup(training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM, cast, 'c');
        ConvShapes g = geometry(x);
        int kk = g.outC() * g.k() * g.k();
        int pixels = g.h() * g.w();
        save(training ? x : null);

        // per example i: columns_i [outC·k·k, h·w] = Wᵀ · x_i [inC, h·w]; col2im scatters them into the output
        INDArray w = weightMatrix(getParam(DeconvolutionParamInitializer.WEIGHT_KEY), g);
        INDArray columns = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                new long[] {g.n(), g.outC(), g.k(), g.k(), g.h(), g.w()}, 'c');
        forEachExample(g.n(), i -> Gemm.rowMajor(w, 0, true, x, (long) i * g.inC() * pixels, false, columns,
                (long) i * kk * pixels, kk, pixels, g.inC(), 1.0, 0.0));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {g.n(), g.outC(), g.outH(), g.outW()},
                'c');
        Im2Col.col2im(columns, g.s(), g.p(), out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ConvShapes g = geometry(input);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        INDArray delta = delta(epsilon, "GemmDeconvolution2D", gradient, workspaceMgr);
        INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
        int kk = g.outC() * g.k() * g.k();
        int pixels = g.h() * g.w();
        INDArray x = takeSaved("GemmDeconvolution2D");

        INDArray patches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {g.n(), g.outC(), g.k(), g.k(), g.h(), g.w()}, 'c');
        Im2Col.im2col(delta, g.k(), g.s(), g.p(), patches);

        // dW [inC, outC·k·k] = Σ_i x_i [inC, h·w] · patches_iᵀ
        sumOverExamples(g.n(), weightMatrix(weightGrad, g), (i, dest, at, beta) -> Gemm.rowMajor(x,
                (long) i * g.inC() * pixels, false, patches, (long) i * kk * pixels, true, dest, at, g.inC(), kk,
                pixels, 1.0, beta), workspaceMgr);
        gradient.gradientForVariable().put(DeconvolutionParamInitializer.WEIGHT_KEY, weightGrad);

        // per example: dx_i [inC, h·w] = W · patches_i
        INDArray w = weightMatrix(getParam(DeconvolutionParamInitializer.WEIGHT_KEY), g);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {g.n(), g.inC(), g.h(), g.w()}, 'c');
        forEachExample(g.n(), i -> Gemm.rowMajor(w, 0, false, patches, (long) i * kk * pixels, false, epsilonNext,
                (long) i * g.inC() * pixels, g.inC(), pixels, kk, 1.0, 0.0));
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }

    /** W [inC, outC, k, k] (a parameter or gradient view) as the matrix [inC, outC·k·k]. */
    private static INDArray weightMatrix(INDArray w, ConvShapes g) {
        return weightMatrix(w, g.inC(), (long) g.outC() * g.k() * g.k());
    }

}
