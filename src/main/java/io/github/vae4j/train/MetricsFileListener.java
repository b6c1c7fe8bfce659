package io.github.vae4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.LossPlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends each epoch to {@code metrics.jsonl} (one JSON object per line) and plots the loss curves at the end. */
public class MetricsFileListener implements EpochListener {

    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String CURVES_FILE = "loss-curves.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public MetricsFileListener(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(METRICS_FILE));
    }

    @Override
    public void onEpochEnd(VaeModel model, EpochMetrics m) throws IOException {
        Files.writeString(dir.resolve(METRICS_FILE), JSON.writeValueAsString(m) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Override
    public void onTrainingEnd(VaeModel model, List<EpochMetrics> history) throws IOException {
        LossPlot.write(history.stream().map(EpochMetrics::epoch).toList(),
                history.stream().map(EpochMetrics::trainLoss).toList(),
                history.stream().map(EpochMetrics::testLoss).toList(), dir.resolve(CURVES_FILE));
    }
}
