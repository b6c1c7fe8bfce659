package io.github.vae4j.model;

import io.github.vae4j.nn.ReconstructionLoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A decoder p(x|z) made of dense steps: z → hidden steps → output pre-activation → likelihood. Both vae4j's network
 * and DL4J's built-in VariationalAutoencoder layer can be viewed this way, so one evaluation code path (ELBO,
 * importance sampling) serves both.
 *
 * @param hidden     hidden steps, in order
 * @param output     the output step; its activation is the output activation the likelihood expects
 * @param likelihood −log p(x|z) from the output pre-activation
 */
public record DenseDecoder(List<DenseStep> hidden, DenseStep output, ReconstructionLoss likelihood) {

    public DenseDecoder {
        hidden = List.copyOf(hidden);
    }

    /** Latent dimensions z has. */
    public long latentSize() {
        return hidden.isEmpty() ? output.nIn() : hidden.get(0).nIn();
    }

    /** Output pre-activation for latent codes z [n, latent]; arrays are allocated in the current workspace, if any. */
    public INDArray preOutput(INDArray z) {
        INDArray h = z;
        for (DenseStep s : hidden) {
            h = s.forward(h, Nd4j.createUninitialized(z.dataType(), new long[] {z.size(0), s.nOut()}, 'c'));
        }
        return output.preOutput(h, Nd4j.createUninitialized(z.dataType(), new long[] {z.size(0), output.nOut()}, 'c'));
    }

    /** Per-example log p(x|z) in nats, [n], for x [n, inputSize] and z [n, latent]. */
    public INDArray logLikelihood(INDArray x, INDArray z) {
        return likelihood.logLikelihood(x, preOutput(z), output.activation()).reshape(x.size(0));
    }
}
