package io.github.vae4j.train;

import io.github.vae4j.model.VaeModel;

import java.io.IOException;

/** Called by {@link VaeTrainer} after each epoch's evaluation, and once at the end. */
public interface EpochListener {

    void onEpochEnd(VaeModel model, EpochMetrics metrics) throws IOException;

    default void onTrainingEnd(VaeModel model, java.util.List<EpochMetrics> history) throws IOException {
    }
}
