/**
 * The latent-space toolkit: interpolation (linear and spherical), traversal of each latent dimension, the decoded
 * manifold, 2-D views of the codes (PCA and t-SNE), embeddings as CSV. Works on any {@link io.github.vae4j.model.VaeModel} (dense, conv, conditional) through its facade only.
 */
package io.github.vae4j.latent;
