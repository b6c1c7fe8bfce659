package io.github.vae4j.train;

import io.github.vae4j.model.VaeModel;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link VaeTrainer#train} returns.
 *
 * @param model     the trained model (also saved at {@code modelPath})
 * @param modelPath the saved model file
 * @param history   per-epoch metrics, in order
 */
public record TrainingResult(VaeModel model, Path modelPath, List<EpochMetrics> history) {

    public EpochMetrics last() {
        return history.get(history.size() - 1);
    }
}
