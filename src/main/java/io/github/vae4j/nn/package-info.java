/**
 * Custom DL4J building blocks: the variational (Gaussian latent) layer, its parameter initializer and the
 * likelihood losses. Only network parts live here; no training loops, data handling or file I/O.
 */
package io.github.vae4j.nn;
