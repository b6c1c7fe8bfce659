package io.github.vae4j.bench;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.ShuffledBatchIterator;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.VaeModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * vae4j against DL4J's built-in {@code VariationalAutoencoder} layer on the same data, model and minibatches, in one
 * process: epochs alternate between the two trainers (and which goes first alternates too) so machine noise hits
 * both; then both are evaluated with the same code (test −ELBO, importance-sampled log p(x)).
 */
public final class TrainingBenchmark {

    private static final Logger log = LoggerFactory.getLogger(TrainingBenchmark.class);

    /**
     * @param epochs      training epochs of each trainer (≥ 3 for a median)
     * @param k           importance samples per test example
     * @param elboSamples z draws per test example for the −ELBO
     * @param maxBatches  cap on batches per epoch (0 = all), for smoke runs
     */
    public record Settings(int epochs, int k, int elboSamples, int maxBatches) {
        public Settings {
            if (epochs < 1 || k < 1 || elboSamples < 1 || maxBatches < 0) {
                throw new IllegalArgumentException("bench needs epochs >= 1, k >= 1, elboSamples >= 1, maxBatches >= 0; got "
                        + epochs + ", " + k + ", " + elboSamples + ", " + maxBatches);
            }
        }
    }

    /** One trainer's numbers on one data set. */
    public record TrainerReport(String trainer, double[] epochSeconds, double[] examplesPerSecond,
                                double medianExamplesPerSecond, double gflops, double lastOverFirstEpoch,
                                double trainLoss, Evaluation evaluation, long evalPeakRssBytes) {
    }

    /** Both trainers on one data set. */
    public record DataReport(String dataset, long trainExamples, long testExamples, TrainerReport vae4j,
                             TrainerReport builtin, double speedup, long trainPeakRssBytes) {
    }

    private TrainingBenchmark() {
    }

    /** FLOP of one training example (forward, weight gradients and input gradients of every dense product). */
    public static double flopPerExample(VaeConfig c) {
        double macs = 0;
        for (int[] l : denseLayers(c)) {
            macs += (double) l[0] * l[1];
        }
        return 6 * macs;
    }

    /** Trainable parameters of the model: weights and biases of every dense product. */
    public static long parameterCount(VaeConfig c) {
        long n = 0;
        for (int[] l : denseLayers(c)) {
            n += (long) l[0] * l[1] + l[1];
        }
        return n;
    }

    /** The model's dense products as {nIn, nOut}: encoder, the two posterior heads together, decoder, output. */
    public static int[][] denseLayers(VaeConfig c) {
        List<int[]> out = new ArrayList<>();
        int prev = c.inputSize();
        for (int s : c.encoderSizes()) {
            out.add(new int[] {prev, s});
            prev = s;
        }
        out.add(new int[] {prev, 2 * c.latentSize()});
        prev = c.latentSize();
        for (int s : c.decoderSizes()) {
            out.add(new int[] {prev, s});
            prev = s;
        }
        out.add(new int[] {prev, c.inputSize()});
        return out.toArray(new int[0][]);
    }

    /** Trains both for {@code settings.epochs()} alternating epochs on {@code data}, then evaluates both. */
    public static DataReport run(DataSplit data, VaeConfig config, Settings settings) {
        Nd4j.getRandom().setSeed(config.seed());
        VaeModel vae4j = VaeModel.create(config, DataType.FLOAT, null);
        Nd4j.getRandom().setSeed(config.seed());
        BuiltinVae builtin = new BuiltinVae(config);
        ComputationGraph graph = vae4j.network();

        Trainer a = new Trainer("vae4j", data, config, settings, ds -> graph.fit(ds), graph::score);
        Trainer b = new Trainer("dl4j-builtin", data, config, settings, ds -> builtin.fit(ds.getFeatures()), builtin::score);
        ProcessMemory.resetPeak();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            Trainer first = epoch % 2 == 0 ? a : b;
            Trainer second = first == a ? b : a;
            first.epoch(epoch);
            second.epoch(epoch);
        }
        long trainPeak = ProcessMemory.peakRssBytes();
        a.batches.shutdown();
        b.batches.shutdown();
        TrainerReport ra = a.report(vae4j, data, settings, config);
        TrainerReport rb = b.report(builtin, data, settings, config);
        return new DataReport(data.id(), data.trainX().size(0), data.testX().size(0), ra, rb,
                ra.medianExamplesPerSecond() / rb.medianExamplesPerSecond(), trainPeak);
    }

    /** Median of the values (mean of the two middle ones for an even count). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** One side of the comparison: its own batch iterator over the same seeded order, its own timings. */
    private static final class Trainer {
        private final String name;
        /** The seeded batches, drawn on a background thread as in {@code VaeTrainer}. */
        private final AsyncDataSetIterator batches;
        private final Consumer<DataSet> step;
        private final java.util.function.DoubleSupplier score;
        private final double[] seconds;
        private final double[] rates;
        private double lossSum;
        private long lossCount;

        Trainer(String name, DataSplit data, VaeConfig config, Settings settings, Consumer<DataSet> step,
                java.util.function.DoubleSupplier score) {
            this.name = name;
            this.batches = new ShuffledBatchIterator(data.trainX(), config.batchSize(), config.seed(),
                    settings.maxBatches()).prefetched();
            this.step = step;
            this.score = score;
            this.seconds = new double[settings.epochs()];
            this.rates = new double[settings.epochs()];
        }

        void epoch(int epoch) {
            if (epoch > 0) {
                batches.reset();
            }
            long examples = 0;
            lossSum = 0;
            lossCount = 0;
            long t0 = System.nanoTime();
            while (batches.hasNext()) {
                DataSet ds = batches.next();
                step.accept(ds);
                long n = ds.getFeatures().size(0);
                double s = score.getAsDouble();
                if (!Double.isFinite(s)) {
                    throw new IllegalStateException(name + " training loss became " + s + " at epoch " + (epoch + 1));
                }
                lossSum += s * n;
                lossCount += n;
                examples += n;
            }
            seconds[epoch] = (System.nanoTime() - t0) / 1e9;
            rates[epoch] = examples / seconds[epoch];
            log.info(String.format(Locale.ROOT, "bench %-12s epoch %d: %.2f s, %.0f ex/s, train loss %.3f", name,
                    epoch + 1, seconds[epoch], rates[epoch], lossSum / lossCount));
        }

        TrainerReport report(LatentVariableModel model, DataSplit data, Settings settings, VaeConfig config) {
            ProcessMemory.resetPeak();
            Evaluation e = Evaluator.evaluate(model, data.testX(), settings.elboSamples(), settings.k(), config.seed());
            long evalPeak = ProcessMemory.peakRssBytes();
            log.info(String.format(Locale.ROOT, "bench %-12s test -ELBO %.3f, log p(x) IS k=%d %.3f (%.1f s)", name,
                    e.negativeElbo(), e.importanceSamples(), e.logLikelihood(), e.seconds()));
            double med = median(rates);
            return new TrainerReport(name, seconds, rates, med, med * flopPerExample(config) / 1e9,
                    seconds[seconds.length - 1] / seconds[0], lossSum / lossCount, e, evalPeak);
        }
    }
}
