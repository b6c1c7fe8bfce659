/**
 * The latent-space toolkit: interpolation (linear and spherical), traversal of each latent dimension, embeddings as
 * CSV. Works on any {@link io.github.vae4j.model.VaeModel} (dense, conv, conditional) through its facade only.
 */
package io.github.vae4j.latent;
