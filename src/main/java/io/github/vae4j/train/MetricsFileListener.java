package io.github.vae4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.LossPlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code metrics.jsonl} (one JSON object per epoch and line) after each epoch, the whole history at once and
 * atomically, so a kill never leaves half a line; plots the loss curves at the end. A resumed run starts from the
 * history its checkpoint saved, which also heals a metrics file that missed the checkpoint's last epoch.
 */
public class MetricsFileListener implements EpochListener {

    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String CURVES_FILE = "loss-curves.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<EpochMetrics> history;

    /** {@code history}: the epochs already done (empty for a new run), written out at once. */
    public MetricsFileListener(Path dir, List<EpochMetrics> history) throws IOException {
        this.dir = dir;
        this.history = new java.util.ArrayList<>(history);
        Files.createDirectories(dir);
        write();
    }

    @Override
    public void onEpochEnd(VaeModel model, EpochMetrics m) throws IOException {
        history.add(m);
        write();
    }

    private void write() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (EpochMetrics m : history) {
            lines.append(JSON.writeValueAsString(m)).append('\n');
        }
        io.github.vae4j.util.AtomicFiles.writeString(dir.resolve(METRICS_FILE), lines);
    }

    @Override
    public void onTrainingEnd(VaeModel model, List<EpochMetrics> history) throws IOException {
        LossPlot.write(history.stream().map(EpochMetrics::epoch).toList(),
                history.stream().map(EpochMetrics::trainLoss).toList(),
                history.stream().map(EpochMetrics::testLoss).toList(), dir.resolve(CURVES_FILE));
    }
}
