package io.github.vae4j.config;

/** Gradient updaters a {@link VaeConfig} can name. */
public enum UpdaterType {
    ADAM, ADAMAX, NADAM, RMSPROP, NESTEROVS, SGD
}
