/**
 * Pictures a person opens: PNG image grids (samples, reconstructions) and loss-curve plots. Pure rendering; no
 * training or model logic.
 */
package io.github.vae4j.viz;
