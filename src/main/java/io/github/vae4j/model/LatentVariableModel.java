package io.github.vae4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What evaluation needs from a VAE with a Gaussian posterior and a N(0, I) prior: the encoder q(z|x) and the decoder's
 * log p(x|z). Implemented by {@link VaeModel} (through its graph's own layers) and by the benchmark's wrapper of
 * DL4J's built-in layer.
 */
public interface LatentVariableModel {

    /** Values per example of the flat data. */
    long inputSize();

    /** Latent dimensions. */
    int latentSize();

    /** q(z|x) for x [n, inputSize]; the arrays are detached from any workspace. */
    Posterior encode(INDArray x);

    /** q(z|x) of every row of x, encoded 1,000 rows at a time (for whole data sets); detached. */
    default Posterior encodeInBatches(INDArray x) {
        long n = x.size(0);
        int batch = 1000;
        if (n <= batch) {
            return encode(x);
        }
        INDArray[] mus = new INDArray[(int) ((n + batch - 1) / batch)];
        INDArray[] logVars = new INDArray[mus.length];
        for (int i = 0; i < mus.length; i++) {
            long from = (long) i * batch;
            Posterior q = encode(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, Math.min(n, from + batch)),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            mus[i] = q.mu();
            logVars[i] = q.logVar();
        }
        return new Posterior(org.nd4j.linalg.factory.Nd4j.vstack(mus), org.nd4j.linalg.factory.Nd4j.vstack(logVars));
    }

    /** Per-example log p(x|z) in nats, [n], for x [n, inputSize] and z [n, latentSize]; detached. */
    INDArray reconstructionLogLikelihood(INDArray x, INDArray z);

    /**
     * Values (floats or doubles) one example occupies while {@link #reconstructionLogLikelihood} runs, so that
     * evaluation can size its chunks of rows to a memory budget.
     */
    long decoderValuesPerExample();

    /**
     * A model that a second thread may use while this one is in use: this model itself when its methods keep no
     * state, else a copy with the same parameters.
     */
    default LatentVariableModel forThread() {
        return this;
    }
}
