package io.github.vae4j.train;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.DynamicBinarization;
import io.github.vae4j.data.ShuffledBatchIterator;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import io.github.vae4j.model.Elbo;
import io.github.vae4j.model.VaeModel;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
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
 * Trains a {@link VaeModel} by minibatch gradient descent on the negative ELBO: per-epoch seeded shuffling, optional
 * dynamic binarization, KL warm-up, test evaluation and listeners after every epoch, the model saved (atomically)
 * after every epoch so that the last good model survives a crash or a diverging loss.
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
        if (data.dimensions() != config.inputSize()) {
            throw new IllegalArgumentException("data set " + data.id() + " has " + data.dimensions()
                    + " dimensions but the config says inputSize=" + config.inputSize());
        }
        Files.createDirectories(options.outputDir());
        Files.writeString(options.outputDir().resolve(CONFIG_FILE), config.toJson());
        Nd4j.getRandom().setSeed(config.seed());
        VaeModel model = VaeModel.create(config, org.nd4j.linalg.api.buffer.DataType.FLOAT, data.normalizer());
        model.setMetadata(model.metadata().withDataset(data.id(), data.sha256()));

        List<EpochListener> listeners = new ArrayList<>(List.of(new LoggingListener(),
                new MetricsFileListener(options.outputDir())));
        if (options.images()) {
            listeners.add(new ImageListener(options.outputDir(), data.testX(), config.seed() + 1));
        }

        ShuffledBatchIterator batches = new ShuffledBatchIterator(data.trainX(), config.batchSize(), config.seed(),
                options.maxBatches());
        if (options.binarize()) {
            batches.setPreProcessor(new DynamicBinarization(config.seed() + 2));
        }
        Path modelPath = options.outputDir().resolve(MODEL_FILE);
        Files.deleteIfExists(modelPath);
        List<EpochMetrics> history = new ArrayList<>();
        long start = System.nanoTime();
        log.info("training {} on {} ({} train / {} test examples, {} batches per epoch) into {}", describe(config),
                data.id(), data.trainX().size(0), data.testX().size(0), batches.batchesPerEpoch(), options.outputDir());

        AsyncDataSetIterator prefetched = batches.prefetched();
        try {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                double beta = config.betaAtEpoch(epoch);
                model.setKlWeight(beta);
                if (epoch > 0) {
                    prefetched.reset();
                }
                double[] fit = fitEpoch(model.network(), prefetched, batches.batchesPerEpoch(), epoch, modelPath);
                Elbo test = evaluate(model, data.testX(), config.seed() + 1000L * (epoch + 1));
                EpochMetrics m = new EpochMetrics(epoch + 1, fit[0], test.meanNegativeElbo(), test.meanReconstruction(),
                        test.meanKl(), beta, fit[1] / fit[2], fit[2], (System.nanoTime() - start) / 1e9);
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

    /** Returns {mean score, examples, seconds} of one pass over the batches. */
    private double[] fitEpoch(ComputationGraph graph, DataSetIterator batches, int batchesPerEpoch, int epoch,
            Path modelPath) {
        double scoreSum = 0;
        long examples = 0;
        int n = 0;
        long t0 = System.nanoTime();
        try (ProgressBar bar = progressBar(epoch, batchesPerEpoch)) {
            while (batches.hasNext()) {
                DataSet ds = batches.next();
                graph.fit(ds);
                double score = graph.score();
                if (!Double.isFinite(score)) {
                    throw new TrainingDivergedException(String.format(Locale.ROOT,
                            "training loss became %s at epoch %d, batch %d; %s", score, epoch + 1, n + 1,
                            Files.exists(modelPath) ? "the model of epoch " + epoch + " is kept at " + modelPath
                                    : "no model was saved (it diverged in the first epoch); try a lower learningRate"));
                }
                long b = ds.getFeatures().size(0);
                scoreSum += score * b;
                examples += b;
                n++;
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.2f", score));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {scoreSum / Math.max(examples, 1), examples, seconds};
    }

    /** Test negative ELBO (β = 1), one seeded z draw per example, in batches. */
    static Elbo evaluate(VaeModel model, INDArray x, long seed) {
        long n = x.size(0);
        List<INDArray> recon = new ArrayList<>();
        List<INDArray> kl = new ArrayList<>();
        for (long from = 0; from < n; from += EVAL_BATCH) {
            INDArray batch = x.get(NDArrayIndex.interval(from, Math.min(n, from + EVAL_BATCH)), NDArrayIndex.all());
            Elbo e = model.elbo(batch, 1, seed + from);
            recon.add(e.reconstruction());
            kl.add(e.kl());
        }
        return new Elbo(Nd4j.concat(0, recon.toArray(new INDArray[0])), Nd4j.concat(0, kl.toArray(new INDArray[0])), 1);
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
        out.put("examples_per_second", m.examplesPerSecond());
        return out;
    }

    private static String describe(VaeConfig c) {
        return c.inputSize() + "-" + c.encoderSizes() + "-" + c.latentSize() + "-" + c.decoderSizes() + " "
                + c.likelihood().name().toLowerCase(Locale.ROOT);
    }
}
