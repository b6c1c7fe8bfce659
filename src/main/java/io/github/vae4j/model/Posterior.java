package io.github.vae4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's Gaussian q(z|x) = N(μ, diag σ²) for a batch.
 *
 * @param mu     [n, latent] means; also the embedding of x
 * @param logVar [n, latent] log variances log σ²
 */
public record Posterior(INDArray mu, INDArray logVar) {
}
