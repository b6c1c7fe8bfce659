/**
 * Hyperparameters: the validated {@link io.github.vae4j.config.VaeConfig} record, its enums and JSON presets.
 * Nothing here touches ND4J arrays or files other than config JSON.
 */
package io.github.vae4j.config;
