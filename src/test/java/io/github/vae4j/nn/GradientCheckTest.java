package io.github.vae4j.nn;

import io.github.vae4j.config.Objective;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.engine.BiasActivationKernel;
import io.github.vae4j.engine.GemmDenseLayer;
import io.github.vae4j.engine.GemmOutputLayer;
import io.github.vae4j.model.VaeNetwork;
import io.github.vae4j.testutil.TestData;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Double-precision gradient checks (DL4J's {@link GradientCheckUtil}: central differences, ε = 1e-6, max relative
 * error 1e-5) of vae4j's layers (GEMM dense, variational, GEMM output) with the variational layer (several β,
 * training mode with a fixed ε) and of every reconstruction loss, each inside a MultiLayerNetwork and a
 * ComputationGraph; and of whole convolutional graphs as {@link VaeNetwork} builds them from a config (conv encoder,
 * reshape, transposed-conv decoder and output head, loss layer).
 */
class GradientCheckTest {

    private static final int N_IN = 6;
    private static final int HIDDEN = 5;
    private static final int LATENT = 3;
    private static final int MINIBATCH = 4;
    private static final long RNG = 12345;

    private static DataType previousDefault;

    @BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(previousDefault, previousDefault);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("bernoulli", new LossBernoulli(), Activation.SIGMOID, 1.0),
                Arguments.of("bernoulli-beta0.25", new LossBernoulli(), Activation.SIGMOID, 0.25),
                Arguments.of("bernoulli-beta3", new LossBernoulli(), Activation.SIGMOID, 3.0),
                Arguments.of("bernoulli-identity", new LossBernoulli(), Activation.IDENTITY, 1.0),
                Arguments.of("gaussian-sigma0.7", new LossGaussian(0.7), Activation.IDENTITY, 1.0),
                Arguments.of("gaussian-tanh-beta2", new LossGaussian(1.0), Activation.TANH, 2.0),
                Arguments.of("gaussian-learned", new LossGaussianLearnedVariance(), Activation.IDENTITY, 1.0),
                Arguments.of("gaussian-learned-beta0.5", new LossGaussianLearnedVariance(), Activation.IDENTITY, 0.5));
    }

    @ParameterizedTest(name = "{0} in MultiLayerNetwork")
    @MethodSource("cases")
    void multiLayerNetwork(String name, ReconstructionLoss loss, Activation outAct, double beta) {
        MultiLayerConfiguration conf = base().list()
                .layer(new GemmDenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).inputGradient(false).build())
                .layer(new VariationalLayer.Builder().nOut(LATENT).beta(beta).build())
                .layer(new GemmDenseLayer.Builder().nOut(HIDDEN).build())
                .layer(new GemmOutputLayer.Builder(loss).nOut(loss.outputSize(N_IN)).activation(outAct).build())
                .setInputType(InputType.feedForward(N_IN))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = data(loss);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(x)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG)));
        assertTrue(ok, "gradient check failed: " + name + " (MultiLayerNetwork)");
    }

    @ParameterizedTest(name = "{0} in ComputationGraph")
    @MethodSource("cases")
    void computationGraph(String name, ReconstructionLoss loss, Activation outAct, double beta) {
        ComputationGraphConfiguration conf = base().graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.feedForward(N_IN))
                .addLayer("enc", new GemmDenseLayer.Builder().nOut(HIDDEN).inputGradient(false).build(), "x")
                .addLayer("z", new VariationalLayer.Builder().nOut(LATENT).beta(beta).build(), "enc")
                .addLayer("dec", new GemmDenseLayer.Builder().nOut(HIDDEN).build(), "z")
                .addLayer("px", new GemmOutputLayer.Builder(loss).nOut(loss.outputSize(N_IN)).activation(outAct).build(),
                        "dec")
                .setOutputs("px")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = data(loss);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG)));
        assertTrue(ok, "gradient check failed: " + name + " (ComputationGraph)");
    }

    private static NeuralNetConfiguration.Builder base() {
        return base(Activation.TANH);
    }

    private static NeuralNetConfiguration.Builder base(Activation hidden) {
        return new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .activation(hidden);
    }

    /**
     * Hidden ReLU and identity layers take {@link BiasActivationKernel}'s Java passes for bias, activation and their
     * gradients (TANH above takes ND4J's ops); both in a MultiLayerNetwork and a ComputationGraph.
     */
    @ParameterizedTest(name = "hidden {0}")
    @org.junit.jupiter.params.provider.EnumSource(value = Activation.class, names = {"RELU", "IDENTITY"})
    void denseKernelActivations(Activation hidden) {
        LossBernoulli loss = new LossBernoulli();
        ComputationGraphConfiguration conf = base(hidden).graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.feedForward(N_IN))
                .addLayer("enc", new GemmDenseLayer.Builder().nOut(HIDDEN).inputGradient(false).build(), "x")
                .addLayer("z", new VariationalLayer.Builder().nOut(LATENT).build(), "enc")
                .addLayer("dec", new GemmDenseLayer.Builder().nOut(HIDDEN).build(), "z")
                .addLayer("px", new GemmOutputLayer.Builder(loss).nOut(N_IN).activation(Activation.SIGMOID).build(),
                        "dec")
                .setOutputs("px")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = data(loss);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: hidden " + hidden);

        MultiLayerNetwork mln = new MultiLayerNetwork(base(hidden).list()
                .layer(new GemmDenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).inputGradient(false).build())
                .layer(new VariationalLayer.Builder().nOut(LATENT).build())
                .layer(new GemmDenseLayer.Builder().nOut(HIDDEN).build())
                .layer(new GemmOutputLayer.Builder(loss).nOut(N_IN).activation(Activation.SIGMOID).build())
                .setInputType(InputType.feedForward(N_IN))
                .build());
        mln.init();
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(mln).input(x).labels(x)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: hidden " + hidden
                + " (MultiLayerNetwork)");
    }

    /**
     * A small conv VAE from the same builder as every model (vae4j's GEMM conv and deconv layers): 1x6x6 → conv → conv →
     * dense → z → dense → reshape → deconv → deconv head → loss layer.
     */
    @ParameterizedTest(name = "conv graph, {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"BERNOULLI", "GAUSSIAN_LEARNED_VARIANCE"})
    void convolutionalGraphFromTheBuilder(String likelihood) {
        VaeConfig c = VaeConfig.fromJson("{\"inputShape\": [1, 6, 6],"
                + " \"encoder\": [{\"type\": \"conv\", \"filters\": 3, \"kernel\": 3, \"stride\": 2, \"padding\": 1},"
                + "               {\"type\": \"conv\", \"filters\": 2, \"kernel\": 2, \"stride\": 1, \"padding\": 0},"
                + "               {\"type\": \"dense\", \"width\": 5}],"
                + " \"latentSize\": 2,"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 5}, {\"type\": \"dense\", \"width\": 12},"
                + "               {\"type\": \"reshape\", \"channels\": 3, \"height\": 2, \"width\": 2},"
                + "               {\"type\": \"deconv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1}],"
                + " \"outputHead\": {\"type\": \"deconv\", \"kernel\": 4, \"stride\": 2, \"padding\": 1},"
                + " \"activation\": \"tanh\", \"updater\": \"SGD\", \"learningRate\": 1.0, \"seed\": 3,"
                + " \"likelihood\": \"" + likelihood + "\"}");
        ComputationGraph net = VaeNetwork.build(c, DataType.DOUBLE);
        INDArray x = TestData.unit(MINIBATCH, 36, 7, DataType.DOUBLE);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: conv graph " + likelihood);
    }

    static Stream<Arguments> objectives() {
        return Stream.of(
                Arguments.of("iwae k=3 bernoulli", Objective.iwae(3), new LossBernoulli(), Activation.SIGMOID),
                Arguments.of("iwae k=2 gaussian", Objective.iwae(2), new LossGaussian(0.7), Activation.IDENTITY),
                Arguments.of("iwae k=4 gaussian-learned", Objective.iwae(4), new LossGaussianLearnedVariance(),
                        Activation.IDENTITY),
                Arguments.of("free bits 1e-4 (all dimensions above)", Objective.elbo().withFreeBits(1e-4),
                        new LossBernoulli(), Activation.SIGMOID),
                Arguments.of("free bits 2 (all dimensions below)", Objective.elbo(2.0, "constant").withFreeBits(2),
                        new LossBernoulli(), Activation.SIGMOID),
                Arguments.of("cyclical beta 3, weight 1.5", Objective.elbo(3.0, "cyclical:1:0.5"), new LossBernoulli(),
                        Activation.SIGMOID));
    }

    /**
     * Every objective in both network types: the IWAE bound (the variational layer's k samples, the loss's
     * log-sum-exp and the importance weights both ways), free bits with every dimension above and below its floor,
     * and a scheduled KL weight (epoch 1 of one 4-epoch cycle ramping over half of it: 0.5 β).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("objectives")
    void objective(String name, Objective objective, ReconstructionLoss loss, Activation outAct) {
        ComputationGraph graph = new ComputationGraph(base().graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.feedForward(N_IN))
                .addLayer("enc", new GemmDenseLayer.Builder().nOut(HIDDEN).inputGradient(false).build(), "x")
                .addLayer("z", new VariationalLayer.Builder().nOut(LATENT).objective(objective).trainingEpochs(4).build(),
                        "enc")
                .addLayer("dec", new GemmDenseLayer.Builder().nOut(HIDDEN).build(), "z")
                .addLayer("px", new GemmOutputLayer.Builder(loss).nOut(loss.outputSize(N_IN)).activation(outAct).build(),
                        "dec")
                .setOutputs("px")
                .build());
        graph.init();
        graph.incrementEpochCount();
        INDArray x = data(loss);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: " + name);

        MultiLayerNetwork mln = new MultiLayerNetwork(base().list()
                .layer(new GemmDenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).inputGradient(false).build())
                .layer(new VariationalLayer.Builder().nOut(LATENT).objective(objective).trainingEpochs(4).build())
                .layer(new GemmDenseLayer.Builder().nOut(HIDDEN).build())
                .layer(new GemmOutputLayer.Builder(loss).nOut(loss.outputSize(N_IN)).activation(outAct).build())
                .setInputType(InputType.feedForward(N_IN))
                .build());
        mln.init();
        mln.incrementEpochCount();
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(mln).input(x).labels(x)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: " + name
                + " (MultiLayerNetwork)");
    }

    /** The IWAE objective through a conv VAE from the builder: k samples through the deconv head and loss layer. */
    @org.junit.jupiter.api.Test
    void importanceWeightedConvolutionalGraph() {
        VaeConfig c = VaeConfig.fromJson("{\"inputShape\": [1, 6, 6],"
                + " \"encoder\": [{\"type\": \"conv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1},"
                + "               {\"type\": \"dense\", \"width\": 5}],"
                + " \"latentSize\": 2,"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 12},"
                + "               {\"type\": \"reshape\", \"channels\": 3, \"height\": 2, \"width\": 2},"
                + "               {\"type\": \"deconv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1}],"
                + " \"outputHead\": {\"type\": \"deconv\", \"kernel\": 4, \"stride\": 2, \"padding\": 1},"
                + " \"activation\": \"tanh\", \"updater\": \"SGD\", \"learningRate\": 1.0, \"seed\": 3,"
                + " \"objective\": {\"kind\": \"iwae\", \"samples\": 3}}");
        ComputationGraph net = VaeNetwork.build(c, DataType.DOUBLE);
        INDArray x = TestData.unit(MINIBATCH, 36, 7, DataType.DOUBLE);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: IWAE conv graph");
    }

    /**
     * Conditional VAEs from the builder, inputs x and the one-hot y: a dense one (y joins the first encoder layer and
     * z) and a conv one (y joins the flattened conv features at the dense encoder layer and z at the decoder), the
     * second trained on IWAE-2 (the label repeated for the k samples at the decoder).
     */
    @ParameterizedTest(name = "conditional {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dense", "conv"})
    void conditionalGraphFromTheBuilder(String kind) {
        String blocks = kind.equals("dense")
                ? " \"inputShape\": [6], \"encoder\": [{\"type\": \"dense\", \"width\": 5}], \"latentSize\": 2,"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 5}],"
                : " \"inputShape\": [1, 6, 6],"
                + " \"encoder\": [{\"type\": \"conv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1},"
                + "               {\"type\": \"dense\", \"width\": 5}], \"latentSize\": 2,"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 12},"
                + "               {\"type\": \"reshape\", \"channels\": 3, \"height\": 2, \"width\": 2},"
                + "               {\"type\": \"deconv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1}],"
                + " \"outputHead\": {\"type\": \"deconv\", \"kernel\": 4, \"stride\": 2, \"padding\": 1},"
                + " \"objective\": {\"kind\": \"iwae\", \"samples\": 2},";
        VaeConfig c = VaeConfig.fromJson("{" + blocks + " \"conditional\": true, \"classes\": 3,"
                + " \"activation\": \"tanh\", \"updater\": \"SGD\", \"learningRate\": 1.0, \"seed\": 3}");
        ComputationGraph net = VaeNetwork.build(c, DataType.DOUBLE);
        int d = kind.equals("dense") ? 6 : 36;
        INDArray x = TestData.unit(MINIBATCH, d, 7, DataType.DOUBLE);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, MINIBATCH, 3);
        for (int i = 0; i < MINIBATCH; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x, y}).labels(new INDArray[] {x})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                .callEachIter(n -> Nd4j.getRandom().setSeed(RNG))), "gradient check failed: conditional " + kind);
    }

    private static INDArray data(ReconstructionLoss loss) {
        return loss instanceof LossBernoulli
                ? TestData.unit(MINIBATCH, N_IN, 7, DataType.DOUBLE)
                : TestData.unit(MINIBATCH, N_IN, 7, DataType.DOUBLE).muli(4).subi(2);
    }
}
