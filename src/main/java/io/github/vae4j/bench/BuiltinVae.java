package io.github.vae4j.bench;

import io.github.vae4j.config.Likelihood;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.model.DenseDecoder;
import io.github.vae4j.model.DenseStep;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.nn.LossBernoulli;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's own {@link VariationalAutoencoder} layer, configured like a vae4j Bernoulli config (same sizes, activation,
 * weight init, Adam learning rate, seed, fp32) and trained the only way it trains: layer-wise {@code pretrain}.
 * The comparison baseline of {@link TrainingBenchmark}.
 */
public final class BuiltinVae implements LatentVariableModel {

    private final VaeConfig config;
    private final MultiLayerNetwork net;

    public BuiltinVae(VaeConfig config) {
        if (config.likelihood() != Likelihood.BERNOULLI) {
            throw new IllegalArgumentException("the built-in baseline is configured for a BERNOULLI likelihood, got "
                    + config.likelihood());
        }
        this.config = config;
        VariationalAutoencoder layer = new VariationalAutoencoder.Builder()
                .nIn(config.inputSize()).nOut(config.latentSize())
                .encoderLayerSizes(config.encoderSizes().stream().mapToInt(Integer::intValue).toArray())
                .decoderLayerSizes(config.decoderSizes().stream().mapToInt(Integer::intValue).toArray())
                .activation(config.activationFn())
                .pzxActivationFunction(Activation.IDENTITY)
                .reconstructionDistribution(new BernoulliReconstructionDistribution(Activation.SIGMOID))
                .build();
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(config.learningRate()))
                .weightInit(config.weightInitFn())
                .list().layer(layer).build());
        net.init();
    }

    /** One Adam step on a minibatch [batch, inputSize], through {@code MultiLayerNetwork.pretrainLayer}. */
    public void fit(INDArray x) {
        net.pretrainLayer(0, x);
    }

    /** The layer's score after the latest step: −ELBO per example, one z draw. */
    public double score() {
        return layer().score();
    }

    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public long inputSize() {
        return config.inputSize();
    }

    @Override
    public int latentSize() {
        return config.latentSize();
    }

    @Override
    public Posterior encode(INDArray x) {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray h = x.castTo(DataType.FLOAT);
            for (int i = 0; i < config.encoderSizes().size(); i++) {
                h = step("e" + i, activation()).forward(h,
                        Nd4j.createUninitialized(DataType.FLOAT, h.size(0), config.encoderSizes().get(i)));
            }
            INDArray mu = step("pZXMean", identity()).forward(h,
                    Nd4j.createUninitialized(DataType.FLOAT, h.size(0), config.latentSize()));
            INDArray logVar = step("pZXLogStd2", identity()).forward(h,
                    Nd4j.createUninitialized(DataType.FLOAT, h.size(0), config.latentSize()));
            return new Posterior(mu, logVar);
        }
    }

    @Override
    public DenseDecoder decoder() {
        List<DenseStep> hidden = new ArrayList<>();
        for (int i = 0; i < config.decoderSizes().size(); i++) {
            hidden.add(step("d" + i, activation()));
        }
        return new DenseDecoder(hidden, step("pXZ", Activation.SIGMOID.getActivationFunction()), new LossBernoulli());
    }

    private DenseStep step(String prefix, IActivation act) {
        return new DenseStep(layer().getParam(prefix + "W"), layer().getParam(prefix + "b"), act);
    }

    private IActivation activation() {
        return ((VariationalAutoencoder) layer().conf().getLayer()).getActivationFn();
    }

    private static IActivation identity() {
        return Activation.IDENTITY.getActivationFunction();
    }

    private Layer layer() {
        return net.getLayer(0);
    }
}
