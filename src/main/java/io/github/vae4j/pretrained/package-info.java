/**
 * The pretrained models that ship with vae4j (the repository's {@code models/} folder, also packed into the jar):
 * finding a model by name ({@link io.github.vae4j.pretrained.PretrainedModels}), and the model card that records how
 * each was trained and what it measures ({@link io.github.vae4j.pretrained.ModelCard}), written by
 * {@code vae4j publish} and checked against the model by the tests.
 */
package io.github.vae4j.pretrained;
