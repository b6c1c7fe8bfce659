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

/**
 * Runtime implementation of {@link GemmConvolution2D}. With W viewed as [outC, inC·k·k] and, per example i, the
 * patches P_i = im2col(x_i) [inC·k·k, outH·outW] and δ_i = (ε ⊙ act′)_i [outC, outH·outW]:
 * <ul>
 *   <li>forward: out_i = W·P_i, plus the bias per channel; the patches and the pre-activation are kept for
 *   backprop;</li>
 *   <li>backward: dW = Σ_i δ_i·P_iᵀ; db = Σ δ per channel; dx_i = col2im(Wᵀ·δ_i).</li>
 * </ul>
 * Every array is in its natural 'c' layout ([n, C, k, k, oh, ow] patches, [n, C, h, w] images), so example i is one
 * contiguous block and no array is reordered; the per-example products ({@link Gemm#rowMajor}) and the Java im2col
 * ({@link Im2Col}) run over the examples on the shared worker threads. Tested against DL4J's
 * {@code ConvolutionLayer} and by gradient checks.
 */
public class GemmConvolution2DLayer extends GemmConvolutionBase {


    public GemmConvolution2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ConvShapes geometry(INDArray x) {
        return ConvShapes.convolution(layerConf(), x, "GemmConvolution2D " + layerId());
    }

    @Override
    INDArray product(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = contiguous(input.castTo(dataType), ArrayType.FF_WORKING_MEM, workspaceMgr);
        ConvShapes g = geometry(x);
        int kk = g.inC() * g.k() * g.k();
        int pixels = g.outH() * g.outW();
        INDArray patches = workspaceMgr.createUninitialized(training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM,
                dataType, new long[] {g.n(), g.inC(), g.k(), g.k(), g.outH(), g.outW()}, 'c');
        Im2Col.im2col(x, g.k(), g.s(), g.p(), patches);
        save(training ? patches : null);

        // per example i: out_i [outC, pixels] = W [outC, C·k·k] · patches_i [C·k·k, pixels]
        INDArray w = weightMatrix(getParam(ConvolutionParamInitializer.WEIGHT_KEY), g);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {g.n(), g.outC(), g.outH(), g.outW()}, 'c');
        forEachExample(g.n(), i -> Gemm.rowMajor(w, 0, false, patches, (long) i * kk * pixels, false, out,
                (long) i * g.outC() * pixels, g.outC(), pixels, kk, 1.0, 0.0));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ConvShapes g = geometry(input);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        INDArray delta = delta(epsilon, "GemmConvolution2D", gradient, workspaceMgr);
        int kk = g.inC() * g.k() * g.k();
        int pixels = g.outH() * g.outW();
        INDArray patches = takeSaved("GemmConvolution2D");

        // dW [outC, C·k·k] = Σ_i δ_i [outC, pixels] · patches_iᵀ
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        sumOverExamples(g.n(), weightMatrix(weightGrad, g), (i, dest, at, beta) -> Gemm.rowMajor(delta,
                (long) i * g.outC() * pixels, false, patches, (long) i * kk * pixels, true, dest, at, g.outC(), kk,
                pixels, 1.0, beta), workspaceMgr);
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);

        // per example: dpatches_i [C·k·k, pixels] = Wᵀ · δ_i, then col2im sums the patches back into dx
        INDArray w = weightMatrix(getParam(ConvolutionParamInitializer.WEIGHT_KEY), g);
        INDArray dPatches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {g.n(), g.inC(), g.k(), g.k(), g.outH(), g.outW()}, 'c');
        forEachExample(g.n(), i -> Gemm.rowMajor(w, 0, true, delta, (long) i * g.outC() * pixels, false, dPatches,
                (long) i * kk * pixels, kk, pixels, g.outC(), 1.0, 0.0));
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {g.n(), g.inC(), g.h(), g.w()}, 'c');
        Im2Col.col2im(dPatches, g.s(), g.p(), epsilonNext);
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }

    /** W [outC, inC, k, k] (a parameter or gradient view) as the matrix [outC, inC·k·k]. */
    private static INDArray weightMatrix(INDArray w, ConvShapes g) {
        return weightMatrix(w, g.outC(), (long) g.inC() * g.k() * g.k());
    }

}
