package io.github.vae4j.engine;

import io.github.vae4j.nn.LossGaussian;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GemmConvolution2D} and {@link GemmDeconvolution2D} compute what DL4J's {@code ConvolutionLayer} and
 * {@link Deconvolution2D} compute (the readable references): with the same parameters, the same output, loss and
 * parameter gradients, in double; and each passes a double-precision gradient check on its own.
 */
class GemmConvolutionLayersTest {

    private static DataType previousDefault;

    @org.junit.jupiter.api.BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @org.junit.jupiter.api.AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(previousDefault, previousDefault);
    }

    private static ComputationGraph graph(boolean gemm, int inC, int outC, int k, int s, int p, int side,
            Activation act) {
        return graph(gemm, false, inC, outC, k, s, p, side, act);
    }

    private static ComputationGraph graph(boolean gemm, boolean conv, int inC, int outC, int k, int s, int p, int side,
            Activation act) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BaseConvBuilder<?> b = conv
                ? (gemm ? new GemmConvolution2D.Builder(k, k) : new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(k, k))
                : (gemm ? new GemmDeconvolution2D.Builder(k, k) : new Deconvolution2D.Builder(k, k));
        b.stride(s, s).padding(p, p).convolutionMode(ConvolutionMode.Truncate);
        ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer.Builder<?>) b).nOut(outC);
        ((org.deeplearning4j.nn.conf.layers.BaseLayer.Builder<?>) b).activation(act);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(side, side, inC))
                .addLayer("deconv", (org.deeplearning4j.nn.conf.layers.Layer) b.build(), "x")
                .addLayer("out", new LossLayer.Builder(new LossGaussian(1.0)).activation(Activation.IDENTITY).build(),
                        "deconv")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "conv {7}: in {0}, out {1}, k{2} s{3} p{4}, side {5}, {6}")
    @CsvSource({"3, 2, 4, 2, 1, 5, TANH, false", "4, 3, 3, 2, 1, 4, IDENTITY, false", "2, 5, 3, 1, 0, 3, RELU, false",
            "64, 32, 4, 2, 1, 7, RELU, false", "1, 4, 3, 2, 1, 8, TANH, true", "3, 5, 3, 2, 1, 7, RELU, true",
            "2, 3, 2, 1, 0, 5, IDENTITY, true", "32, 16, 3, 2, 1, 14, RELU, true"})
    void matchesDl4jsLayer(int inC, int outC, int k, int s, int p, int side, Activation act, boolean conv) {
        ComputationGraph dl4j = graph(false, conv, inC, outC, k, s, p, side, act);
        ComputationGraph gemm = graph(true, conv, inC, outC, k, s, p, side, act);
        assertEquals(dl4j.numParams(), gemm.numParams());
        gemm.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 6, inC, side, side);
        INDArray out = dl4j.outputSingle(x);
        INDArray y = Nd4j.randn(DataType.DOUBLE, out.shape());

        INDArray gemmOut = gemm.outputSingle(x);
        assertEquals(0.0, gemmOut.sub(out).amaxNumber().doubleValue(), 1e-10, "forward");

        dl4j.setInputs(x);
        dl4j.setLabels(y);
        dl4j.computeGradientAndScore();
        gemm.setInputs(x);
        gemm.setLabels(y);
        gemm.computeGradientAndScore();
        assertEquals(dl4j.score(), gemm.score(), 1e-9 * Math.abs(dl4j.score()));
        INDArray g1 = dl4j.gradient().gradient();
        INDArray g2 = gemm.gradient().gradient();
        assertEquals(0.0, g1.sub(g2).amaxNumber().doubleValue(), 1e-9 * Math.max(1, g1.amaxNumber().doubleValue()),
                "parameter gradients");

        // the input gradient each layer hands back, for the same ε
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr none = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray[] inputGradients = new INDArray[2];
        ComputationGraph[] graphs = {dl4j, gemm};
        for (int i = 0; i < 2; i++) {
            org.deeplearning4j.nn.api.Layer layer = graphs[i].getLayer("deconv");
            layer.setInput(x, none);
            INDArray activation = layer.activate(true, none);
            Nd4j.getRandom().setSeed(21);
            INDArray eps = Nd4j.randn(DataType.DOUBLE, activation.shape());
            inputGradients[i] = layer.backpropGradient(eps, none).getSecond();
        }
        assertEquals(0.0, inputGradients[0].sub(inputGradients[1]).amaxNumber().doubleValue(),
                1e-9 * Math.max(1, inputGradients[0].amaxNumber().doubleValue()), "input gradients");
    }

    @ParameterizedTest(name = "gradient check conv {3}: k{0} s{1} p{2}")
    @CsvSource({"4, 2, 1, false", "3, 1, 1, false", "2, 2, 0, false", "3, 2, 1, true", "2, 1, 0, true", "3, 1, 1, true"})
    void passesAGradientCheck(int k, int s, int p, boolean conv) {
        ComputationGraph g = graph(true, conv, 3, 2, k, s, p, 4, Activation.TANH);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 3, 4, 4);
        INDArray y = Nd4j.randn(DataType.DOUBLE, g.outputSingle(x).shape());
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)));
    }
}
