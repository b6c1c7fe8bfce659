/**
 * Model evaluation: importance-sampled log-likelihood and posterior-collapse diagnostics (active units, KL per
 * dimension). Reads models through the {@link io.github.vae4j.model.VaeModel} facade only; never trains.
 */
package io.github.vae4j.eval;
