package io.github.vae4j.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.ImageListener;
import io.github.vae4j.train.MetricsFileListener;
import io.github.vae4j.util.AtomicFiles;
import io.github.vae4j.util.Machine;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a trained model into a pretrained one: the folder {@code models/<name>/} with the model without updater
 * state, its checksum, sample and reconstruction grids and the {@link ModelCard} with the model measured on the test
 * split (what {@code vae4j publish} runs).
 */
public final class ModelPublisher {

    /** Test images shown in the reconstruction grid. */
    private static final int SHOWN = 32;

    private ModelPublisher() {
    }

    /**
     * How the model was trained: the command, the wall time of its training loop and its epochs.
     */
    public record Training(String command, double seconds, int epochs) {

        /** Read from a training run's {@code metrics.jsonl} (its last line: elapsed seconds and epoch). */
        public static Training fromRun(Path runDir, String command) throws IOException {
            Path metrics = runDir.resolve(MetricsFileListener.METRICS_FILE);
            if (!Files.isRegularFile(metrics)) {
                throw new java.nio.file.NoSuchFileException(metrics.toString(), null,
                        "not a training run: no " + MetricsFileListener.METRICS_FILE);
            }
            List<String> lines = Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new IOException("training run " + runDir + " has an empty " + MetricsFileListener.METRICS_FILE);
            }
            JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            return new Training(command, last.path("elapsedSeconds").asDouble(Double.NaN), last.path("epoch").asInt());
        }
    }

    /**
     * Writes {@code out} (created if needed): model.zip, model.zip.sha256, samples.png, reconstructions.png and
     * MODEL_CARD.md.
     *
     * @param split       the data the model was trained on (its test split is measured)
     * @param k           importance samples per example for log p(x)
     * @param isExamples  the first test examples that get the importance-sampled log-likelihood (0: all)
     * @param elboSamples z draws per example of the ELBO
     * @param seed        seed of every draw of the evaluation
     */
    public static ModelCard publish(VaeModel model, DataSplit split, String name, Path out, Training training, int k,
            long isExamples, int elboSamples, long seed) throws IOException {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("model name must be lower-case letters, digits and '-', got '" + name + "'");
        }
        if (ImageGrid.side(split.dimensions()) < 0) {
            throw new IllegalArgumentException("data set " + split.id() + " has " + split.dimensions()
                    + " dimensions, which are not square images; a model card shows images");
        }
        String trainedOn = model.metadata().datasetSha256();
        if (trainedOn != null && !trainedOn.equals(split.sha256())) {
            throw new IllegalArgumentException("data set " + split.id() + " (SHA-256 " + split.sha256() + ") is not the "
                    + "data the model was trained on (" + model.metadata().datasetId() + ", SHA-256 " + trainedOn
                    + "); give publish the training data with --data");
        }
        VaeConfig c = model.config();
        INDArray x = split.testX();
        int[] labels = split.testLabelArray();
        long n = x.size(0);
        long isN = isExamples <= 0 ? n : Math.min(n, isExamples);
        // the ELBO and the active units on every test example; log p(x) on the first isN, k samples each (in the same
        // pass when isN is all of them)
        Evaluation all = Evaluator.evaluate(model.joint(), model.jointInput(x, labels), elboSamples, isN == n ? k : 1,
                c.objective(), seed);
        Evaluation is = all;
        if (isN < n) {
            INDArray xs = x.get(NDArrayIndex.interval(0, isN), NDArrayIndex.all());
            int[] ls = labels == null ? null : Arrays.copyOf(labels, (int) isN);
            is = Evaluator.evaluate(model.joint(), model.jointInput(xs, ls), 1, k, c.objective(), seed);
        }
        ModelCard.Measured measured = new ModelCard.Measured(n, elboSamples, seed, all.negativeElbo(),
                all.reconstruction(), all.kl(), isN, k, is.logLikelihood(), all.activeUnits());

        Files.createDirectories(out);
        Path zip = out.resolve(PretrainedModels.MODEL_FILE);
        model.saveWithoutUpdater(zip);
        AtomicFiles.writeString(out.resolve(PretrainedModels.CHECKSUM_FILE), PretrainedModels.checksumLine(zip));
        long shown = Math.min(SHOWN, n);
        ImageListener.writeGrids(model, x.get(NDArrayIndex.interval(0, shown), NDArrayIndex.all()),
                labels == null ? null : Arrays.copyOf(labels, (int) shown), 0, out.resolve("samples.png"),
                out.resolve("reconstructions.png"));
        var meta = model.metadata();
        ModelCard card = new ModelCard(name, c.describe(), model.network().numParams(), c.latentSize(), split.id(),
                meta.datasetSha256(), split.trainX().size(0), training.command(), c.seed(), training.epochs(),
                String.format(Locale.ROOT, "%s, learning rate %s, batch %d, %s", c.updater(), c.learningRate(),
                        c.batchSize(), c.objective().describe()),
                training.seconds(), Machine.describe() + "; " + Machine.environment(), meta.createdAt(),
                meta.gitCommit(), model.conditional(), measured);
        AtomicFiles.writeString(out.resolve(PretrainedModels.CARD_FILE), card.markdown());
        return card;
    }
}
