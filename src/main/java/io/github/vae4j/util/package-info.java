/**
 * Process-wide helpers every other package may use: the seed derivations (one place for every random stream) and
 * readings of the process's memory. No model, data or training code.
 */
package io.github.vae4j.util;
