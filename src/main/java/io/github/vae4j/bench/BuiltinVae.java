package io.github.vae4j.bench;

import io.github.vae4j.config.Block;
import io.github.vae4j.config.Likelihood;
import io.github.vae4j.config.VaeConfig;
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

import java.util.List;

/**
 * DL4J's own {@link VariationalAutoencoder} layer, configured like a vae4j all-dense Bernoulli config (same sizes,
 * activation, weight init, Adam learning rate, seed, fp32) and trained the only way it trains: layer-wise
 * {@code pretrain}. A comparison baseline of {@link TrainingBenchmark}. This is someone else's model: evaluation
 * reads its parameters through the layer's own parameter keys ("e0W", "pZXMean", "d0W", "pXZW", ...) and runs its
 * dense steps here, since DL4J's layer exposes no log p(x|z) for a given z.
 */
public final class BuiltinVae implements LatentVariableModel {

    private final VaeConfig config;
    private final MultiLayerNetwork net;

    public BuiltinVae(VaeConfig config) {
        if (config.likelihood() != Likelihood.BERNOULLI) {
            throw new IllegalArgumentException("the built-in baseline is configured for a BERNOULLI likelihood, got "
                    + config.likelihood());
        }
        if (config.architecture().convolutional() || config.outputHead().isDeconv()) {
            throw new IllegalArgumentException("the built-in baseline has dense blocks only, got " + config.describe());
        }
        this.config = config;
        VariationalAutoencoder layer = new VariationalAutoencoder.Builder()
                .nIn(config.inputSize()).nOut(config.latentSize())
                .encoderLayerSizes(widths(config.encoder()))
                .decoderLayerSizes(widths(config.decoder()))
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
    public long decoderValuesPerExample() {
        return config.architecture().decoderValuesPerExample();
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
            for (int i = 0; i < config.encoder().size(); i++) {
                h = dense("e" + i, h, activation());
            }
            return new Posterior(dense("pZXMean", h, identity()), dense("pZXLogStd2", h, identity()));
        }
    }

    @Override
    public INDArray reconstructionLogLikelihood(INDArray x, INDArray z) {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray h = z.castTo(DataType.FLOAT);
            for (int i = 0; i < config.decoder().size(); i++) {
                h = dense("d" + i, h, activation());
            }
            INDArray logits = dense("pXZ", h, identity());
            return new LossBernoulli().logLikelihood(x.castTo(DataType.FLOAT), logits, identity()).reshape(x.size(0));
        }
    }

    /** activation(h·W + b) with the layer's parameters {@code prefix}W and {@code prefix}b. */
    private INDArray dense(String prefix, INDArray h, IActivation act) {
        INDArray pre = h.mmul(layer().getParam(prefix + "W")).addiRowVector(layer().getParam(prefix + "b"));
        return act.getActivation(pre, false);
    }

    private static int[] widths(List<Block> blocks) {
        return blocks.stream().mapToInt(b -> ((Block.Dense) b).width()).toArray();
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
