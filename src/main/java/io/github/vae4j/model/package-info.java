/**
 * The {@link io.github.vae4j.model.VaeModel} facade (encode, decode, sample, reconstruct, ELBO, save, load), the
 * network builder and the model file format. All casts to DL4J layer classes live here; no training loops.
 */
package io.github.vae4j.model;
