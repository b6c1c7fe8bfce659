/**
 * The training loop ({@link io.github.vae4j.train.VaeTrainer}) and its epoch listeners (log line, metrics.jsonl,
 * image grids). Holds settings and runs the loop; the learned state lives in the model.
 */
package io.github.vae4j.train;
