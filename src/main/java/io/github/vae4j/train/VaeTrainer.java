package io.github.vae4j.train;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.DynamicBinarization;
import io.github.vae4j.data.ShuffledBatchIterator;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link VaeModel} by minibatch gradient descent on its objective (the negative ELBO with the objective's
 * KL weight): per-epoch seeded shuffling, optional dynamic binarization, test evaluation and listeners after every
 * epoch, the model saved (atomically) after every epoch so that the last good model survives a crash or a diverging
 * loss. The KL weight schedule belongs to the objective inside the network; the trainer only advances the network's
 * epoch counter, as DL4J's own {@code fit(iterator)} does.
 */
public final class VaeTrainer {

    /** File name of the saved model inside the output directory. */
    public static final String MODEL_FILE = "model.zip";
    public static final String CONFIG_FILE = "config.json";

    private static final Logger log = LoggerFactory.getLogger(VaeTrainer.class);
    private static final int EVAL_BATCH = 1000;

    /**
     * Settings of a run that are not model hyperparameters.
     *
     * @param outputDir   where the model, metrics and pictures go
     * @param maxBatches  cap on batches per epoch, for quick runs (0 = all)
     * @param binarize    dynamic binarization of [0, 1] data each batch
     * @param progressBar draw a terminal progress bar (only when a console is attached)
     * @param images      write PNG grids each epoch
     */
    public record Options(Path outputDir, int maxBatches, boolean binarize, boolean progressBar, boolean images) {
        public Options {
            if (outputDir == null) {
                throw new IllegalArgumentException("outputDir must be set");
            }
            if (maxBatches < 0) {
                throw new IllegalArgumentException("maxBatches must be >= 0, got " + maxBatches);
            }
        }
    }

    private final VaeConfig config;
    private final Options options;

    public VaeTrainer(VaeConfig config, Options options) {
        this.config = config;
        this.options = options;
    }

    /** Trains a new model on {@code data} and returns it with its history; the model is at {@code outputDir/model.zip}. */
    public TrainingResult train(DataSplit data) throws IOException {
        VaeConfig config = forData(this.config, data);
        Files.createDirectories(options.outputDir());
        io.github.vae4j.util.AtomicFiles.writeString(options.outputDir().resolve(CONFIG_FILE), config.toJson());
        VaeModel model = VaeModel.create(config, org.nd4j.linalg.api.buffer.DataType.FLOAT, data.normalizer());
        Nd4j.getRandom().setSeed(Seeds.derive(config.seed(), Seeds.Stream.TRAINING_NOISE, 0));
        model.setMetadata(model.metadata().withDataset(data.id(), data.sha256()));

        List<EpochListener> listeners = new ArrayList<>(List.of(new LoggingListener(),
                new MetricsFileListener(options.outputDir())));
        if (options.images()) {
            listeners.add(new ImageListener(options.outputDir(), data.testX(), data.testLabelArray(),
                    Seeds.derive(config.seed(), Seeds.Stream.PREVIEW, 0)));
        }

        ShuffledBatchIterator batches = new ShuffledBatchIterator(data.trainX(),
                config.conditional() ? data.trainLabelArray() : null, config.classes(), config.batchSize(),
                config.seed(), options.maxBatches());
        if (options.binarize()) {
            batches.setPreProcessor(new DynamicBinarization(Seeds.derive(config.seed(), Seeds.Stream.BINARIZATION, 0)));
        }
        Path modelPath = options.outputDir().resolve(MODEL_FILE);
        Files.deleteIfExists(modelPath);
        List<EpochMetrics> history = new ArrayList<>();
        long start = System.nanoTime();
        log.info("training {} ({}) on {} ({} train / {} test examples, {} batches per epoch) into {}", config.describe(),
                config.objective().describe(), data.id(), data.trainX().size(0), data.testX().size(0), batches.batchesPerEpoch(), options.outputDir());

        INDArray testRows = model.jointInput(data.testX(), data.testLabelArray());
        AsyncDataSetIterator prefetched = batches.prefetched();
        try {
            ComputationGraph graph = model.network();
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                if (epoch > 0) {
                    prefetched.reset();
                }
                double klWeight = model.klWeight();
                EpochLoop.Pass fit = fitEpoch(graph, prefetched, batches.batchesPerEpoch(), epoch, modelPath);
                graph.incrementEpochCount();
                long testSeed = Seeds.derive(config.seed(), Seeds.Stream.TEST_ELBO, epoch);
                TestPass test = evaluate(model.joint(), testRows, testSeed);
                double objective = Evaluator.negativeObjective(model.joint(), testRows, test.q(),
                        test.elbo().meanReconstruction(), config.objective(), testSeed);
                EpochMetrics m = new EpochMetrics(epoch + 1, fit.meanLoss(), test.elbo().meanNegativeElbo(),
                        test.elbo().meanReconstruction(), test.elbo().meanKl(), objective, klWeight, fit.examplesPerSecond(), fit.seconds(),
                        (System.nanoTime() - start) / 1e9);
                history.add(m);
                model.setMetadata(model.metadata().withMetrics(metrics(m)));
                model.save(modelPath);
                for (EpochListener l : listeners) {
                    l.onEpochEnd(model, m);
                }
            }
        } finally {
            prefetched.shutdown();
        }
        for (EpochListener l : listeners) {
            l.onTrainingEnd(model, history);
        }
        return new TrainingResult(model, modelPath, List.copyOf(history));
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
            Path modelPath) {
        try (ProgressBar bar = progressBar(epoch, batchesPerEpoch)) {
            return EpochLoop.run(batches, EpochLoop.of(graph), epoch, bar);
        } catch (TrainingDivergedException e) {
            throw new TrainingDivergedException(e.getMessage() + "; " + (Files.exists(modelPath)
                    ? "the model of epoch " + epoch + " is kept at " + modelPath
                    : "no model was saved (it diverged in the first epoch); try a lower learningRate"));
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

    private static Map<String, Double> metrics(EpochMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("epochs", (double) m.epoch());
        out.put("train_loss", m.trainLoss());
        out.put("test_loss", m.testLoss());
        out.put("test_recon", m.testRecon());
        out.put("test_kl", m.testKl());
        out.put("test_objective", m.testObjective());
        out.put("examples_per_second", m.examplesPerSecond());
        return out;
    }
}
