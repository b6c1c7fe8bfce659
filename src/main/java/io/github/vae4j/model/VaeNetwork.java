package io.github.vae4j.model;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.nn.LeanAdam;
import io.github.vae4j.nn.LeanDenseLayer;
import io.github.vae4j.nn.LeanOutputLayer;
import io.github.vae4j.nn.LossBernoulli;
import io.github.vae4j.nn.LossGaussian;
import io.github.vae4j.nn.LossGaussianLearnedVariance;
import io.github.vae4j.nn.ReconstructionLoss;
import io.github.vae4j.nn.VariationalLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the VAE as a DL4J {@link ComputationGraph}: input "x" → dense encoder "enc0".. → {@link VariationalLayer}
 * "z" → dense decoder "dec0".. → output layer "px" with a {@link ReconstructionLoss}. Trained with plain
 * {@code fit()} on DataSets whose labels are the features.
 */
public final class VaeNetwork {

    public static final String INPUT = "x";
    public static final String LATENT = "z";
    public static final String OUTPUT = "px";

    private VaeNetwork() {
    }

    /** Name of the i-th encoder layer. */
    public static String encoderLayer(int i) {
        return "enc" + i;
    }

    /** Name of the i-th decoder layer. */
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
        return c.likelihood() == io.github.vae4j.config.Likelihood.BERNOULLI ? Activation.SIGMOID : Activation.IDENTITY;
    }

    /** The graph configuration for {@code c} in the given floating-point type. */
    public static ComputationGraphConfiguration configuration(VaeConfig c, DataType dataType) {
        ReconstructionLoss loss = loss(c);
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(dataType)
                .updater(updater(c))
                .weightInit(c.weightInitFn())
                .activation(c.activationFn())
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.feedForward(c.inputSize()));
        String prev = INPUT;
        for (int i = 0; i < c.encoderSizes().size(); i++) {
            g.addLayer(encoderLayer(i), new LeanDenseLayer.Builder().nOut(c.encoderSizes().get(i))
                    .inputGradient(i > 0).build(), prev);
            prev = encoderLayer(i);
        }
        g.addLayer(LATENT, new VariationalLayer.Builder().nOut(c.latentSize()).beta(c.betaAtEpoch(0)).build(), prev);
        prev = LATENT;
        for (int i = 0; i < c.decoderSizes().size(); i++) {
            g.addLayer(decoderLayer(i), new LeanDenseLayer.Builder().nOut(c.decoderSizes().get(i)).build(), prev);
            prev = decoderLayer(i);
        }
        g.addLayer(OUTPUT, new LeanOutputLayer.Builder(loss).nOut(loss.outputSize(c.inputSize()))
                .activation(outputActivation(c)).build(), prev);
        return g.setOutputs(OUTPUT).build();
    }

    /** An initialized network for {@code c}. */
    public static ComputationGraph build(VaeConfig c, DataType dataType) {
        ComputationGraph graph = new ComputationGraph(configuration(c, dataType));
        graph.init();
        return graph;
    }

    static IUpdater updater(VaeConfig c) {
        double lr = c.learningRate();
        return switch (c.updater()) {
            case ADAM -> new LeanAdam(lr);
            case ADAMAX -> new AdaMax(lr);
            case NADAM -> new Nadam(lr);
            case RMSPROP -> new RmsProp(lr);
            case NESTEROVS -> new Nesterovs(lr, 0.9);
            case SGD -> new Sgd(lr);
        };
    }
}
