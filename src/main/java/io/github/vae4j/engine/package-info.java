/**
 * The compute engine under vae4j's layers, which a user need not read: dense layers whose products are single GEMMs
 * into preallocated arrays, element-wise kernels that run as one Java pass over native buffers (each tested against
 * the readable definition in {@code io.github.vae4j.nn}), and Adam as one pass with the graph updater that calls it.
 * Nothing here defines math of its own; no data handling, training loops or file I/O.
 */
package io.github.vae4j.engine;
