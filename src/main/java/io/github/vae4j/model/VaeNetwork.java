package io.github.vae4j.model;

import io.github.vae4j.config.Architecture;
import io.github.vae4j.config.Block;
import io.github.vae4j.config.Likelihood;
import io.github.vae4j.config.Shape;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.engine.FusedGraphUpdater;
import io.github.vae4j.engine.GemmConvolution2D;
import io.github.vae4j.engine.GemmDeconvolution2D;
import io.github.vae4j.engine.GemmDenseLayer;
import io.github.vae4j.engine.GemmOutputLayer;
import io.github.vae4j.engine.OnePassAdam;
import io.github.vae4j.nn.LabelJoinVertex;
import io.github.vae4j.nn.LossBernoulli;
import io.github.vae4j.nn.LossGaussian;
import io.github.vae4j.nn.LossGaussianLearnedVariance;
import io.github.vae4j.nn.ReconstructionLoss;
import io.github.vae4j.nn.VariationalLayer;
import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the VAE a {@link VaeConfig} describes as one DL4J {@link ComputationGraph}, the only description of the
 * network: input "x" → encoder blocks "enc0", "enc1", … → {@link VariationalLayer} "z" → decoder blocks "dec0", … →
 * output layer "px" with the likelihood's {@link ReconstructionLoss}. A conditional VAE has a second input "y", the
 * one-hot label, which a {@link LabelJoinVertex} "L-in" joins to the input of the encoder's first dense layer (or of "z") and to
 * z at the decoder's first layer (see {@link Architecture}). A reshape block adds no layer: it becomes the
 * {@code FeedForwardToCnnPreProcessor} of the next one. A deconv output head is the layer "dec_out" followed by a
 * parameter-free {@code LossLayer} "px". Data enters flat, [n, C·H·W]; DL4J's preprocessors reshape it for
 * convolutions. The graph is trained with plain {@code fit()} on DataSets whose labels are the features.
 *
 * <p>{@link Layers#VAE4J} uses vae4j's GEMM-backed dense, output, convolution and transposed-convolution layers and
 * one-pass Adam (package {@code engine}); {@link Layers#STOCK} builds the same graph, with the same parameters, from
 * DL4J's own DenseLayer, OutputLayer, ConvolutionLayer, Deconvolution2D and Adam, for the benchmark.
 */
public final class VaeNetwork {

    public static final String INPUT = "x";
    /** The second input of a conditional VAE: the one-hot class label y, [n, classes]. */
    public static final String LABEL = "y";
    public static final String LATENT = "z";
    public static final String OUTPUT = "px";
    /** The deconv output head's layer, when the config has one (the loss layer "px" follows it). */
    public static final String DECONV_HEAD = "dec_out";

    /** Which implementation of the dense layers and of Adam the graph uses; the math is the same. */
    public enum Layers {
        /** vae4j's GEMM-backed dense, output, convolution and transposed-convolution layers and one-pass Adam. */
        VAE4J,
        /** DL4J's stock DenseLayer, OutputLayer, ConvolutionLayer, Deconvolution2D and Adam (same graph). */
        STOCK
    }

    private VaeNetwork() {
    }

    /** Name of the layer made from encoder block i. */
    public static String encoderLayer(int i) {
        return "enc" + i;
    }

    /** Name of the layer made from decoder block i (a reshape block makes none). */
    public static String decoderLayer(int i) {
        return "dec" + i;
    }

    /** The reconstruction loss a config asks for. */
    public static ReconstructionLoss loss(VaeConfig c) {
        return switch (c.likelihood()) {
            case BERNOULLI -> new LossBernoulli();
            case GAUSSIAN -> new LossGaussian(c.gaussianSigma());
            case GAUSSIAN_LEARNED_VARIANCE -> new LossGaussianLearnedVariance();
        };
    }

    /** Output activation matching the likelihood: sigmoid for Bernoulli (outputs are probabilities), else identity. */
    public static Activation outputActivation(VaeConfig c) {
        return c.likelihood() == Likelihood.BERNOULLI ? Activation.SIGMOID : Activation.IDENTITY;
    }

    /** The graph configuration for {@code c} (input shape set) in the given floating-point type, vae4j's layers. */
    public static ComputationGraphConfiguration configuration(VaeConfig c, DataType dataType) {
        return configuration(c, dataType, Layers.VAE4J);
    }

    /** The graph configuration for {@code c} with the given layer implementations. */
    public static ComputationGraphConfiguration configuration(VaeConfig c, DataType dataType, Layers layers) {
        Architecture a = c.architecture();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(dataType)
                .updater(updater(c, layers))
                .weightInit(c.weightInitFn())
                .activation(c.activationFn())
                .graphBuilder()
                .addInputs(INPUT);
        boolean imageInput = !c.encoder().isEmpty() && c.encoder().get(0) instanceof Block.Conv;
        InputType xType = imageInput
                ? InputType.convolutionalFlat(a.input().height(), a.input().width(), a.input().channels())
                : InputType.feedForward(a.input().size());
        if (a.conditional()) {
            g.addInputs(LABEL);
            g.setInputTypes(xType, InputType.feedForward(a.classes()));
        } else {
            g.setInputTypes(xType);
        }
        String prev = INPUT;
        for (int i = 0; i < a.encoder().size(); i++) {
            Architecture.Layer l = a.encoder().get(i);
            g.addLayer(encoderLayer(i), hidden(l.block(), layers, i > 0 || l.labelInputs() > 0),
                    joinLabel(g, l, encoderLayer(i), prev, i > 0 ? a.encoder().get(i - 1).out() : null));
            prev = encoderLayer(i);
        }
        Shape encoded = a.encoder().isEmpty() ? null : a.encoder().get(a.encoder().size() - 1).out();
        g.addLayer(LATENT, new VariationalLayer.Builder().nOut(c.latentSize()).objective(c.objective())
                .trainingEpochs(c.epochs()).build(), joinLabel(g, a.latent(), LATENT, prev, encoded));
        prev = LATENT;
        InputPreProcessor reshape = null;
        for (int i = 0; i < a.decoder().size(); i++) {
            Block b = a.decoder().get(i).block();
            if (b instanceof Block.Reshape r) {
                reshape = new FeedForwardToCnnPreProcessor(r.height(), r.width(), r.channels());
                continue;
            }
            g.addLayer(decoderLayer(i), hidden(b, layers, true), reshape, joinLabel(g, a.decoder().get(i), decoderLayer(i), prev, null));
            reshape = null;
            prev = decoderLayer(i);
        }
        ReconstructionLoss loss = loss(c);
        Block head = a.output().block();
        if (head instanceof Block.Deconv d) {
            g.addLayer(DECONV_HEAD, deconv(d, Activation.IDENTITY, layers), reshape, prev);
            g.addLayer(OUTPUT, new LossLayer.Builder(loss).activation(outputActivation(c)).build(), DECONV_HEAD);
        } else {
            long nOut = ((Block.Dense) head).width();
            Layer out = layers == Layers.VAE4J
                    ? new GemmOutputLayer.Builder(loss).nOut(nOut).activation(outputActivation(c)).build()
                    : new OutputLayer.Builder(loss).nOut(nOut).activation(outputActivation(c)).build();
            g.addLayer(OUTPUT, out, reshape, joinLabel(g, a.output(), OUTPUT, prev, null));
        }
        return g.setOutputs(OUTPUT).build();
    }

    /**
     * The input of a layer that the one-hot label joins: a {@link LabelJoinVertex} "NAME-in" that concatenates the layer's input
     * (flattened by a vertex "NAME-flat" when a conv layer gives it) with "y"; for any other layer its input as it is.
     *
     * @param prevOut the shape of the layer before, when that is a layer of the network (null: the input x or z)
     */
    private static String joinLabel(ComputationGraphConfiguration.GraphBuilder g, Architecture.Layer layer, String name,
            String prev, Shape prevOut) {
        if (layer.labelInputs() == 0) {
            return prev;
        }
        String flat = prev;
        if (prevOut != null && prevOut.spatial()) {
            flat = name + "-flat";
            g.addVertex(flat, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(prevOut.height(),
                    prevOut.width(), prevOut.channels())), prev);
        }
        g.addVertex(name + "-in", new LabelJoinVertex(), flat, LABEL);
        return name + "-in";
    }

    /** An initialized network for {@code c} with vae4j's layers, ready to train. */
    public static ComputationGraph build(VaeConfig c, DataType dataType) {
        return build(c, dataType, Layers.VAE4J);
    }

    /** An initialized network for {@code c} with the given layer implementations, ready to train. */
    public static ComputationGraph build(VaeConfig c, DataType dataType, Layers layers) {
        ComputationGraph graph = new ComputationGraph(configuration(c, dataType, layers));
        graph.init();
        if (c.uniformBiasInit()) {
            initializeLikePytorch(graph, Seeds.derive(c.seed(), Seeds.Stream.BIAS_INIT, 0));
        }
        attachUpdater(graph);
        return graph;
    }

    /**
     * Completes PyTorch's default initialization on a graph whose weights DL4J drew with {@code UNIFORM}
     * (U(−1/√fan_in, 1/√fan_in)): every bias is drawn from the same range (DL4J only knows constant bias inits),
     * and transposed convolutions are redrawn with PyTorch's fan_in for them. For {@code nn.Linear} and
     * {@code nn.Conv2d} fan_in is nIn (·k²); for {@code nn.ConvTranspose2d}, whose weight is [in, out, k, k], PyTorch
     * takes fan_in = out·k², where DL4J takes in·k². This init closes the likelihood gap measured against PyTorch
     * (docs/benchmarks.md).
     */
    static void initializeLikePytorch(ComputationGraph graph, long seed) {
        org.nd4j.linalg.api.rng.Random rng = Seeds.generator(seed);
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            Layer conf = layer.conf().getLayer();
            if (!(conf instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff) || conf instanceof LossLayer) {
                continue;
            }
            boolean transposed = conf instanceof Deconvolution2D;
            long fanIn = transposed ? ff.getNOut() : ff.getNIn();
            if (conf instanceof ConvolutionLayer cv) {
                fanIn *= (long) cv.getKernelSize()[0] * cv.getKernelSize()[1];
            }
            double bound = 1 / Math.sqrt(fanIn);
            for (String key : layer.paramTable().keySet()) {
                if (conf.initializer().isBiasParam(conf, key) || transposed) {
                    INDArray p = layer.getParam(key);
                    p.assign(Nd4j.rand(p.shape(), -bound, bound, rng).castTo(p.dataType()));
                }
            }
        }
    }

    /**
     * Puts the fused one-pass Adam updater on a built or loaded graph when its configuration allows it (one
     * {@link OnePassAdam} for every parameter, no regularization), keeping the updater state it has.
     */
    public static void attachUpdater(ComputationGraph graph) {
        FusedGraphUpdater.install(graph);
    }

    /** The loss of the graph's output layer "px" (an output layer or a loss layer). */
    public static org.nd4j.linalg.lossfunctions.ILossFunction outputLoss(ComputationGraph graph) {
        org.nd4j.linalg.lossfunctions.ILossFunction loss = outputLossOrNull(graph);
        if (loss == null) {
            throw new IllegalArgumentException("layer '" + OUTPUT + "' is not an output or loss layer");
        }
        return loss;
    }

    /** As {@link #outputLoss}, or null when the graph has no output or loss layer named "px". */
    static org.nd4j.linalg.lossfunctions.ILossFunction outputLossOrNull(ComputationGraph graph) {
        org.deeplearning4j.nn.api.Layer layer = graph.getLayer(OUTPUT);
        Layer px = layer == null ? null : layer.conf().getLayer();
        if (px instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o) {
            return o.getLossFn();
        }
        if (px instanceof LossLayer l) {
            return l.getLossFn();
        }
        return null;
    }

    private static Layer hidden(Block b, Layers layers, boolean inputGradient) {
        if (b instanceof Block.Dense d) {
            return layers == Layers.VAE4J
                    ? new GemmDenseLayer.Builder().nOut(d.width()).inputGradient(inputGradient).build()
                    : new DenseLayer.Builder().nOut(d.width()).build();
        }
        if (b instanceof Block.Conv cv) {
            ConvolutionLayer.Builder conv = layers == Layers.VAE4J ? new GemmConvolution2D.Builder(cv.kernel(), cv.kernel())
                    : new ConvolutionLayer.Builder(cv.kernel(), cv.kernel());
            return conv.stride(cv.stride(), cv.stride()).padding(cv.padding(), cv.padding()).nOut(cv.filters())
                    .convolutionMode(ConvolutionMode.Truncate).build();
        }
        return deconv((Block.Deconv) b, null, layers);
    }

    private static Layer deconv(Block.Deconv d, Activation activation, Layers layers) {
        Deconvolution2D.Builder b = layers == Layers.VAE4J ? new GemmDeconvolution2D.Builder(d.kernel(), d.kernel())
                : new Deconvolution2D.Builder(d.kernel(), d.kernel());
        b.stride(d.stride(), d.stride()).padding(d.padding(), d.padding()).nOut(d.filters())
                .convolutionMode(ConvolutionMode.Truncate);
        if (activation != null) {
            b.activation(activation);
        }
        return b.build();
    }

    static IUpdater updater(VaeConfig c, Layers layers) {
        double lr = c.learningRate();
        return switch (c.updater()) {
            case ADAM -> layers == Layers.VAE4J ? new OnePassAdam(lr) : new Adam(lr);
            case ADAMAX -> new AdaMax(lr);
            case NADAM -> new Nadam(lr);
            case RMSPROP -> new RmsProp(lr);
            case NESTEROVS -> new Nesterovs(lr, 0.9);
            case SGD -> new Sgd(lr);
        };
    }
}
