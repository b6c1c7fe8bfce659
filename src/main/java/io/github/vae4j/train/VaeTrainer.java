package io.github.vae4j.train;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.DynamicBinarization;
import io.github.vae4j.data.ShuffledBatchIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.Elbo;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.util.Seeds;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link VaeModel} by minibatch gradient descent on its objective (the negative ELBO with the objective's
 * KL weight): per-epoch seeded shuffling, optional dynamic binarization, test evaluation and listeners after every
 * epoch. Nothing is lost when a run dies:
 * <ul>
 *   <li>a checkpoint ({@value #CHECKPOINT_FILE}: the model file with its updater state plus {@link TrainingState}) is
 *       written at the end of every epoch, and every {@code checkpointMinutes} within one, and {@link #resume}
 *       continues the run from it so that it ends with bitwise the parameters of the uninterrupted run;</li>
 *   <li>every file is written whole or not at all ({@link io.github.vae4j.util.AtomicFiles}), so a kill at any moment
 *       leaves the previous checkpoint and model in place;</li>
 *   <li>a directory that already holds a run is not overwritten unless asked;</li>
 *   <li>a NaN or infinite loss stops the run with the epoch, the batch and the likely cause, and no checkpoint is
 *       written from non-finite parameters, so the last good one stays.</li>
 * </ul>
 * The KL weight schedule belongs to the objective inside the network; the trainer only advances the network's epoch
 * counter, as DL4J's own {@code fit(iterator)} does.
 */
public final class VaeTrainer {

    /** File name of the saved model inside the output directory. */
    public static final String MODEL_FILE = "model.zip";
    public static final String CONFIG_FILE = "config.json";
    /** File name of the checkpoint inside the output directory. */
    public static final String CHECKPOINT_FILE = "checkpoint.zip";
    /** The files of a run whose interrupted writes {@link #resume} cleans up. */
    private static final List<String> RUN_FILES = List.of(MODEL_FILE, CHECKPOINT_FILE, CONFIG_FILE,
            MetricsFileListener.METRICS_FILE);

    private static final Logger log = LoggerFactory.getLogger(VaeTrainer.class);
    private static final int EVAL_BATCH = 1000;

    /**
     * Settings of a run that are not model hyperparameters.
     *
     * @param outputDir         where the model, checkpoint, metrics and pictures go
     * @param maxBatches        cap on batches per epoch, for quick runs (0 = all)
     * @param binarize          dynamic binarization of [0, 1] data each batch
     * @param progressBar       draw a terminal progress bar (only when a console is attached)
     * @param images            write PNG grids each epoch
     * @param checkpointMinutes also write a checkpoint within an epoch once this many minutes have passed since the
     *                          last one (0 = only at the end of each epoch)
     * @param overwrite         replace a run already in {@code outputDir} (else that is an error)
     */
    public record Options(Path outputDir, int maxBatches, boolean binarize, boolean progressBar, boolean images,
                          double checkpointMinutes, boolean overwrite) {
        public Options {
            if (outputDir == null) {
                throw new IllegalArgumentException("outputDir must be set");
            }
            if (maxBatches < 0) {
                throw new IllegalArgumentException("maxBatches must be >= 0, got " + maxBatches);
            }
            if (!(checkpointMinutes >= 0) || Double.isInfinite(checkpointMinutes)) {
                throw new IllegalArgumentException("checkpoint minutes must be a finite number >= 0, got "
                        + checkpointMinutes);
            }
        }

        /** Checkpoints at epoch ends only; an existing run in the directory is an error. */
        public Options(Path outputDir, int maxBatches, boolean binarize, boolean progressBar, boolean images) {
            this(outputDir, maxBatches, binarize, progressBar, images, 0, false);
        }
    }

    private final VaeConfig config;
    private final Options options;

    public VaeTrainer(VaeConfig config, Options options) {
        this.config = config;
        this.options = options;
    }

    /**
     * Trains a new model on {@code data} and returns it with its history; the model is at {@code outputDir/model.zip}.
     *
     * @throws IllegalArgumentException when the output directory already holds a run and {@code overwrite} is off
     */
    public TrainingResult train(DataSplit data) throws IOException {
        VaeConfig config = forData(this.config, data);
        Path dir = options.outputDir();
        startRunDirectory(options, config);
        VaeModel model = VaeModel.create(config, org.nd4j.linalg.api.buffer.DataType.FLOAT, data.normalizer());
        Nd4j.getRandom().setSeed(Seeds.derive(config.seed(), Seeds.Stream.TRAINING_NOISE, 0));
        model.setMetadata(model.metadata().withDataset(data.id(), data.sha256()));
        TrainingState start = new TrainingState(0, 0, Nd4j.getRandom().rootState(), Nd4j.getRandom().nodeState(), 0, 0,
                0, 0, options.maxBatches(), options.binarize(), List.of());
        return run(model, config, data, start);
    }

    /**
     * Continues the run whose checkpoint is in {@code dir} ({@value #CHECKPOINT_FILE}) on the same data, with the
     * run's own config, batch cap and binarization; {@code options} supplies only the progress bar, images and
     * checkpoint interval.
     *
     * @throws IOException              when there is no readable checkpoint
     * @throws IllegalArgumentException when {@code data} is not the data the run trained on, or the run is complete
     */
    public static TrainingResult resume(Path dir, DataSplit data, Options options) throws IOException {
        Path file = checkpointIn(dir);
        int stale = io.github.vae4j.util.AtomicFiles.removeStale(dir, RUN_FILES);
        if (stale > 0) {
            log.info("removed {} temporary file(s) an interrupted write left in {}", stale, dir);
        }
        VaeModel model = VaeModel.load(file);
        byte[] json = io.github.vae4j.model.ModelFile.readEntry(file, TrainingState.ENTRY).orElseThrow(
                () -> new IOException("not a vae4j checkpoint: " + file + " has no " + TrainingState.ENTRY + " entry"));
        TrainingState state = TrainingState.fromJson(json, file);
        VaeConfig config = model.config();
        String trainedOn = model.metadata().datasetSha256();
        if (trainedOn != null && !trainedOn.equals(data.sha256())) {
            throw new IllegalArgumentException("the run in " + dir + " trained on data set " + model.metadata()
                    .datasetId() + " (sha256 " + abbreviate(trainedOn) + ") but the data given is " + data.id()
                    + " (sha256 " + abbreviate(data.sha256()) + "); pass the same --data to resume");
        }
        if (state.epochsDone() >= config.epochs()) {
            throw new IllegalArgumentException("the run in " + dir + " is complete (" + state.epochsDone() + " of "
                    + config.epochs() + " epochs); nothing to resume");
        }
        forData(config, data);
        Nd4j.getRandom().setStates(state.noiseRootState(), state.noiseNodeState());
        log.info("resuming {} at epoch {}, batch {}", dir, state.epochsDone() + 1, state.batchesDone() + 1);
        Options own = new Options(dir, state.maxBatches(), state.binarize(), options.progressBar(), options.images(),
                options.checkpointMinutes(), false);
        return new VaeTrainer(config, own).run(model, config, data, state);
    }

    /**
     * Fails when the output path is a file or under one, holds a run and {@code overwrite} is off (the message names
     * the directory, what is in it, {@code --resume} and {@code --overwrite}), or cannot be created or written.
     */
    /**
     * Makes {@code options.outputDir()} ready for a new run of {@code config}: checked ({@link #checkOutputDirectory}),
     * the files of an earlier run removed (it holds one only with {@code overwrite}), {@value #CONFIG_FILE} written. The
     * Spark module's trainer starts its runs here too.
     */
    public static void startRunDirectory(Options options, VaeConfig config) throws IOException {
        checkOutputDirectory(options);
        Path dir = options.outputDir();
        for (Path p : existingRun(dir)) {
            Files.deleteIfExists(p);
        }
        io.github.vae4j.util.AtomicFiles.removeStale(dir, RUN_FILES);
        io.github.vae4j.util.AtomicFiles.writeString(dir.resolve(CONFIG_FILE), config.toJson());
    }

    public static void checkOutputDirectory(Options options) {
        Path dir = options.outputDir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("output path " + dir + " is a file, not a directory");
        }
        for (Path up = dir.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
            if (Files.exists(up) && !Files.isDirectory(up)) {
                throw new IllegalArgumentException("output path " + dir + " lies under " + up
                        + ", which is a file, not a directory");
            }
        }
        List<Path> run = existingRun(dir);
        if (!run.isEmpty() && !options.overwrite()) {
            throw new IllegalArgumentException("output directory " + dir + " already holds a run (" + run.get(0)
                    .getFileName() + "); continue it with --resume " + dir + " or replace it with --overwrite");
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".write-check", ".tmp"));
        } catch (IOException e) {
            throw new IllegalArgumentException("output directory " + dir + " cannot be created or written ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The checkpoint file of the run in {@code dir}; a missing one is an error saying so. */
    public static Path checkpointIn(Path dir) throws java.nio.file.NoSuchFileException {
        Path file = dir.resolve(CHECKPOINT_FILE);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no checkpoint to resume from (a run "
                    + "writes one at the end of its first epoch)");
        }
        return file;
    }

    /** The files of a run in {@code dir} that hold training (model or checkpoint), if any. */
    static List<Path> existingRun(Path dir) {
        List<Path> found = new ArrayList<>();
        for (String name : List.of(MODEL_FILE, CHECKPOINT_FILE)) {
            if (Files.exists(dir.resolve(name))) {
                found.add(dir.resolve(name));
            }
        }
        return found;
    }

    private TrainingResult run(VaeModel model, VaeConfig config, DataSplit data, TrainingState start)
            throws IOException {
        Path dir = options.outputDir();
        List<EpochMetrics> history = new ArrayList<>(start.history());
        List<EpochListener> listeners = new ArrayList<>(List.of(new LoggingListener(),
                new MetricsFileListener(dir, history)));
        if (options.images()) {
            listeners.add(new ImageListener(dir, data.testX(), data.testLabelArray(),
                    Seeds.derive(config.seed(), Seeds.Stream.PREVIEW, 0)));
        }

        ShuffledBatchIterator batches = new ShuffledBatchIterator(data.trainX(),
                config.conditional() ? data.trainLabelArray() : null, config.classes(), config.batchSize(),
                config.seed(), options.maxBatches());
        if (options.binarize()) {
            batches.setPreProcessor(new DynamicBinarization(Seeds.derive(config.seed(), Seeds.Stream.BINARIZATION, 0)));
        }
        batches.seek(start.epochsDone(), start.batchesDone());
        Path modelPath = dir.resolve(MODEL_FILE);
        Checkpointer checkpointer = new Checkpointer(model, dir.resolve(CHECKPOINT_FILE), start,
                EpochLoop.of(model.network()));
        long startNanos = System.nanoTime() - (long) (start.elapsedSeconds() * 1e9);
        log.info("training {} ({}) on {} ({} train / {} test examples, {} batches per epoch) into {}", config.describe(),
                config.objective().describe(), data.id(), data.trainX().size(0), data.testX().size(0),
                batches.batchesPerEpoch(), dir);

        INDArray testRows = model.jointInput(data.testX(), data.testLabelArray());
        ComputationGraph graph = model.network();
        for (int epoch = start.epochsDone(); epoch < config.epochs(); epoch++) {
            if (epoch > start.epochsDone()) {
                batches.reset();
            }
            EpochLoop.Progress resumed = epoch == start.epochsDone() ? new EpochLoop.Progress(start.batchesDone(),
                    start.epochLossSum(), start.epochExamples(), start.epochSeconds()) : EpochLoop.Progress.START;
            double klWeight = model.klWeight();
            int e = epoch;
            EpochLoop.BatchHook hook = options.checkpointMinutes() <= 0 ? null
                    : p -> checkpointer.maybeWithinEpoch(e, p, history, elapsed(startNanos));
            EpochLoop.Pass fit = fitEpoch(graph, batches, batches.batchesPerEpoch(), epoch, resumed, hook,
                    checkpointer);
            graph.incrementEpochCount();
            long testSeed = Seeds.derive(config.seed(), Seeds.Stream.TEST_ELBO, epoch);
            TestPass test = evaluate(model.joint(), testRows, testSeed);
            double objective = Evaluator.negativeObjective(model.joint(), testRows, test.q(),
                    test.elbo().meanReconstruction(), config.objective(), testSeed);
            EpochMetrics m = new EpochMetrics(epoch + 1, fit.meanLoss(), test.elbo().meanNegativeElbo(),
                    test.elbo().meanReconstruction(), test.elbo().meanKl(), objective, klWeight,
                    fit.examplesPerSecond(), fit.seconds(), elapsed(startNanos));
            history.add(m);
            model.setMetadata(model.metadata().withMetrics(m.asMetadata()));
            checkpointer.atEpochEnd(epoch + 1, modelPath, history, elapsed(startNanos));
            for (EpochListener l : listeners) {
                l.onEpochEnd(model, m);
            }
        }
        for (EpochListener l : listeners) {
            l.onTrainingEnd(model, history);
        }
        return new TrainingResult(model, modelPath, List.copyOf(history));
    }

    private static double elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String abbreviate(String sha) {
        return sha == null ? "unknown" : sha.substring(0, Math.min(12, sha.length()));
    }

    /**
     * Writes checkpoints: the model with its updater state and the {@link TrainingState} in one file, atomically, and
     * never from non-finite parameters (a diverged run keeps its last good checkpoint).
     */
    private final class Checkpointer {
        private final VaeModel model;
        private final Path file;
        private final EpochLoop.Step step;
        private int lastEpoch;
        private long lastWrite = System.nanoTime();

        Checkpointer(VaeModel model, Path file, TrainingState start, EpochLoop.Step step) {
            this.model = model;
            this.file = file;
            this.step = step;
            this.lastEpoch = start.epochsDone();
        }

        /** A checkpoint within epoch {@code epoch} (0-based) when the interval has passed. */
        void maybeWithinEpoch(int epoch, EpochLoop.Progress progress, List<EpochMetrics> history, double elapsed)
                throws IOException {
            if (System.nanoTime() - lastWrite >= options.checkpointMinutes() * 60e9) {
                write(epoch, progress, history, elapsed);
            }
        }

        /**
         * At the end of epoch {@code epochsDone}: the model to {@code modelPath}, then the checkpoint as a copy of it
         * with the training state added (a copy keeps the compressed entries, far cheaper than a second save). A kill
         * between the two leaves the previous checkpoint, from which the epoch is redone to the same result.
         */
        void atEpochEnd(int epochsDone, Path modelPath, List<EpochMetrics> history, double elapsed)
                throws IOException {
            TrainingState state = state(epochsDone, EpochLoop.Progress.START, history, elapsed);
            model.save(modelPath);
            io.github.vae4j.model.ModelFile.copyWithEntries(modelPath, file, Map.of(TrainingState.ENTRY,
                    state.toJson()));
            written(epochsDone);
        }

        /** A checkpoint after {@code epochsDone} epochs and {@code progress} of the next. */
        void write(int epochsDone, EpochLoop.Progress progress, List<EpochMetrics> history, double elapsed)
                throws IOException {
            TrainingState state = state(epochsDone, progress, history, elapsed);
            model.save(file, Map.of(TrainingState.ENTRY, state.toJson()));
            written(epochsDone);
        }

        /** The state to save, after checking that every parameter is finite (else the run has diverged). */
        private TrainingState state(int epochsDone, EpochLoop.Progress progress, List<EpochMetrics> history,
                double elapsed) {
            if (!step.parametersFinite()) {
                throw diverged(String.format(Locale.ROOT,
                        "training diverged at epoch %d, batch %d: a parameter became NaN or infinite",
                        epochsDone + (progress.batches() > 0 ? 1 : 0), Math.max(progress.batches(), 1)), this);
            }
            return new TrainingState(epochsDone, progress.batches(), Nd4j.getRandom().rootState(),
                    Nd4j.getRandom().nodeState(), progress.lossSum(), progress.examples(), progress.seconds(), elapsed,
                    options.maxBatches(), options.binarize(), history);
        }

        private void written(int epochsDone) {
            lastEpoch = epochsDone;
            lastWrite = System.nanoTime();
        }

        String kept() {
            return Files.exists(file) ? "the last good checkpoint (after epoch " + lastEpoch + ") is kept at " + file
                    + "; continue with --resume " + file.getParent()
                    : "no checkpoint was written (it diverged in the first epoch)";
        }
    }

    /**
     * The config with its input shape (and, for a conditional model, its number of classes) taken from the data when
     * it has none; a shape that does not match the data's size, or labels the config cannot take, are errors naming
     * both.
     */
    public static VaeConfig forData(VaeConfig config, DataSplit data) {
        VaeConfig c = config;
        if (c.inputShape().isEmpty()) {
            c = c.withInputShape(data.shape());
        } else if (c.inputSize() != data.dimensions()) {
            throw new IllegalArgumentException("data set " + data.id() + " has examples of shape " + data.shape()
                    + " (" + data.dimensions() + " values) but the config's inputShape is " + c.inputShape()
                    + " (" + c.inputSize() + " values)");
        }
        if (!c.conditional()) {
            return c;
        }
        if (!data.labelled()) {
            throw new IllegalArgumentException("a conditional model needs class labels, but data set " + data.id()
                    + " has none (IDX: a *labels* file beside the images; CSV: --csv-label-column)");
        }
        int classes = data.classes();
        if (c.classes() == 0) {
            return c.withClasses(Math.max(classes, 2));
        }
        if (classes > c.classes()) {
            throw new IllegalArgumentException("data set " + data.id() + " has labels up to " + (classes - 1)
                    + " but the config's classes is " + c.classes());
        }
        return c;
    }

    private EpochLoop.Pass fitEpoch(ComputationGraph graph, DataSetIterator batches, int batchesPerEpoch, int epoch,
            EpochLoop.Progress resumed, EpochLoop.BatchHook hook, Checkpointer checkpointer) throws IOException {
        try (ProgressBar bar = progressBar(epoch, batchesPerEpoch)) {
            if (bar != null) {
                bar.stepTo(resumed.batches());
            }
            return EpochLoop.run(batches, EpochLoop.of(graph), epoch, resumed, bar, hook);
        } catch (Diverged e) {
            throw e;
        } catch (TrainingDivergedException e) {
            throw diverged(e.getMessage(), checkpointer);
        }
    }

    /** The one-line divergence message: where, the likely cause, and which checkpoint stays. */
    private Diverged diverged(String where, Checkpointer checkpointer) {
        return new Diverged(where + "; likely cause: a learning rate too high for this data (learningRate "
                + config.learningRate() + "; try a tenth of it) or extreme values in the data; " + checkpointer.kept());
    }

    /** A divergence whose message is complete. */
    private static final class Diverged extends TrainingDivergedException {
        Diverged(String message) {
            super(message);
        }
    }

    /** The test ELBO and the posterior q(z|x) of every test example. */
    record TestPass(Elbo elbo, Posterior q) {
    }

    /**
     * Test negative ELBO (β = 1), one seeded z draw per example, in batches, and the posteriors it used; x holds the
     * rows the model takes ([x | y] for a conditional model, {@link VaeModel#joint()}).
     */
    static TestPass evaluate(LatentVariableModel model, INDArray x, long seed) {
        long n = x.size(0);
        List<INDArray> recon = new ArrayList<>();
        List<INDArray> kl = new ArrayList<>();
        List<INDArray> mu = new ArrayList<>();
        List<INDArray> logVar = new ArrayList<>();
        for (long from = 0; from < n; from += EVAL_BATCH) {
            INDArray batch = x.get(NDArrayIndex.interval(from, Math.min(n, from + EVAL_BATCH)), NDArrayIndex.all());
            Posterior q = model.encode(batch);
            Elbo e = Elbo.estimate(model, batch, q, 1, Seeds.derive(seed, Seeds.Stream.ELBO, from));
            recon.add(e.reconstruction());
            kl.add(e.kl());
            mu.add(q.mu());
            logVar.add(q.logVar());
        }
        return new TestPass(new Elbo(concat(recon), concat(kl), 1), new Posterior(Nd4j.vstack(mu.toArray(new INDArray[0])),
                Nd4j.vstack(logVar.toArray(new INDArray[0]))));
    }

    private static INDArray concat(List<INDArray> parts) {
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    private ProgressBar progressBar(int epoch, int batches) {
        if (!options.progressBar() || System.console() == null) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + config.epochs())
                .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .continuousUpdate().build();
    }
}
