package io.github.vae4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a training run stands, saved in every checkpoint beside the model's parameters and updater state: with them,
 * enough to continue the run so that it ends with bitwise the parameters of the uninterrupted run. The shuffle order
 * and the binarization draws of a batch depend only on the seed and the batch's position, and the KL weight on the
 * network's epoch counter (stored with the model), so the position and the generator of the reparameterization noise
 * are all the randomness there is to keep.
 *
 * @param epochsDone     epochs completed (0-based index of the epoch under way)
 * @param batchesDone    batches of that epoch already trained (0 at an epoch's end)
 * @param noiseRootState ND4J's generator of the training noise ε, root state ({@code Random.rootState()})
 * @param noiseNodeState the same generator's node state ({@code Random.nodeState()})
 * @param epochLossSum   Σ loss × examples over the epoch's batches so far
 * @param epochExamples  examples of the epoch so far
 * @param epochSeconds   wall time of the epoch's fit loop so far
 * @param elapsedSeconds wall time of the run so far, evaluation included
 * @param maxBatches     the run's cap on batches per epoch (0 = all)
 * @param binarize       whether the run binarizes its batches
 * @param history        the metrics of the completed epochs
 */
public record TrainingState(int epochsDone, int batchesDone, long noiseRootState, long noiseNodeState,
                            double epochLossSum, long epochExamples, double epochSeconds, double elapsedSeconds,
                            int maxBatches, boolean binarize, List<EpochMetrics> history) {

    /** The zip entry of a checkpoint that holds this state as JSON. */
    public static final String ENTRY = "vae4j-training-state.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingState {
        if (epochsDone < 0 || batchesDone < 0 || epochExamples < 0 || maxBatches < 0) {
            throw new IllegalArgumentException("negative counts in training state: epochsDone=" + epochsDone
                    + ", batchesDone=" + batchesDone + ", epochExamples=" + epochExamples + ", maxBatches=" + maxBatches);
        }
        if (history == null || history.size() != epochsDone) {
            throw new IllegalArgumentException("training state has " + (history == null ? 0 : history.size())
                    + " epochs of metrics for " + epochsDone + " epochs done");
        }
        history = List.copyOf(history);
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    static TrainingState fromJson(byte[] json, Path file) throws IOException {
        try {
            return JSON.readValue(json, TrainingState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("corrupt training state in checkpoint " + file + ": " + e.getMessage().lines()
                    .findFirst().orElse("unreadable"), e);
        }
    }
}
