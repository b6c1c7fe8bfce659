package io.github.vae4j.bench;

import io.github.vae4j.config.Architecture;
import io.github.vae4j.config.Block;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.ShuffledBatchIterator;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.model.VaeNetwork;
import io.github.vae4j.train.EpochLoop;
import io.github.vae4j.train.VaeTrainer;
import io.github.vae4j.util.ProcessMemory;
import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * vae4j against a baseline on the same data, model description and minibatches, in one process: epochs alternate
 * between the two trainers (and which goes first alternates too) so machine noise hits both; then both are evaluated
 * with the same code (test −ELBO, importance-sampled log p(x)). vae4j's model is built by {@link VaeNetwork} and
 * trained through {@link EpochLoop}, exactly as {@code vae4j train} does. PyTorch joins
 * the rotation when it is installed ({@link PytorchPeer}). The baseline is DL4J's built-in
 * {@code VariationalAutoencoder} layer ({@link Baseline#BUILTIN}, dense models only) or the same graph built from
 * DL4J's stock layers and Adam ({@link Baseline#STOCK}), or none ({@link Baseline#NONE}).
 */
public final class TrainingBenchmark {

    private static final Logger log = LoggerFactory.getLogger(TrainingBenchmark.class);

    /** What vae4j is compared with. */
    public enum Baseline {
        /** DL4J's built-in VariationalAutoencoder layer, trained by layer-wise pretraining. */
        BUILTIN("DL4J built-in VAE"),
        /** The same graph from DL4J's stock DenseLayer / OutputLayer and Adam (conv layers are DL4J's in both). */
        STOCK("same graph, DL4J stock layers"),
        /**
         * No JVM baseline: vae4j alone in its JVM (as {@code vae4j train} runs), against PyTorch. A second trainer in
         * the same JVM shares the JIT's profile of DL4J's code with vae4j and slowed vae4j's conv epochs from about
         * 2,800 to 2,160 examples/s (docs/benchmarks.md).
         */
        NONE("none");

        private final String label;

        Baseline(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The built-in layer for dense Bernoulli models, the stock graph otherwise. */
        public static Baseline defaultFor(VaeConfig c) {
            return !c.architecture().convolutional() && !c.outputHead().isDeconv()
                    && c.likelihood() == io.github.vae4j.config.Likelihood.BERNOULLI ? BUILTIN : STOCK;
        }
    }

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

    /**
     * One trainer's numbers on one data set.
     *
     * @param batchFingerprints per epoch, per batch: the batch's row count and a hash of its first row, what the trainer
     *                          was fed
     */
    public record TrainerReport(String trainer, double[] epochSeconds, double[] examplesPerSecond,
                                double medianExamplesPerSecond, double gflops, double lastOverFirstEpoch,
                                double trainLoss, Evaluation evaluation, long evalPeakRssBytes,
                                List<List<String>> batchFingerprints) {
    }

    /**
     * PyTorch's numbers on one data set, from its own clock around its training loop.
     *
     * @param ratio vae4j's examples/s over PyTorch's, epoch by epoch (the two epochs of one round are neighbours in
     *              time), first epoch left out as warm-up
     */
    public record PytorchReport(String torchVersion, int threads, double[] epochSeconds, double[] examplesPerSecond,
                                double medianExamplesPerSecond, double trainLoss, double testNegativeElbo,
                                double testLogLikelihood, int k, double evaluationSeconds, Ratio ratio) {
    }

    /** A per-round ratio: its median and range over rounds, and every value. */
    public record Ratio(double median, double min, double max, double[] perRound) {
        static Ratio of(double[] numerator, double[] denominator, int skip) {
            int n = numerator.length - Math.min(skip, numerator.length - 1);
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                int e = numerator.length - n + i;
                r[i] = numerator[e] / denominator[e];
            }
            return new Ratio(TrainingBenchmark.median(r), Arrays.stream(r).min().orElse(Double.NaN), Arrays.stream(r).max().orElse(Double.NaN), r);
        }
    }

    /**
     * The trainers on one data set.
     *
     * @param baseline           the JVM baseline's numbers, or null for {@link Baseline#NONE} (with speedup NaN and
     *                           baselineRatio null)
     * @param pytorch            PyTorch's numbers, or null when it did not run ({@code pytorchSkipped} says why)
     */
    public record DataReport(String dataset, long trainExamples, long testExamples, TrainerReport vae4j,
                             TrainerReport baseline, String baselineName, double speedup, Ratio baselineRatio,
                             PytorchReport pytorch, String pytorchSkipped, long trainPeakRssBytes) {
    }

    private TrainingBenchmark() {
    }

    /** The dense products {nIn, nOut} of one training step (both posterior heads as one), for an all-dense model. */
    public static int[][] denseProducts(Architecture a) {
        List<int[]> out = new ArrayList<>();
        for (Architecture.Layer l : a.layers()) {
            if (!(l.block() instanceof Block.Dense d)) {
                throw new IllegalArgumentException("GEMM shapes are listed for dense models only, got a "
                        + l.block().type() + " layer");
            }
            out.add(new int[] {Math.toIntExact(l.in().size()), d.width()});
        }
        return out.toArray(new int[0][]);
    }

    /**
     * Trains vae4j, the baseline and (when {@code python} is given and the model is one torch_vae.py implements)
     * PyTorch for {@code settings.epochs()} epochs on {@code data}, in rounds of one epoch each, the order rotating
     * from round to round; then evaluates each.
     *
     * @param python the Python with PyTorch, or null to leave PyTorch out
     */
    public static DataReport run(DataSplit data, VaeConfig config, Settings settings, Baseline baseline, String python)
            throws java.io.IOException {
        VaeConfig c = VaeTrainer.forData(config, data);
        VaeModel vae4j = VaeModel.create(c, DataType.FLOAT, null);
        Trainer a = new Trainer("vae4j", data, c, settings, EpochLoop.of(vae4j.network()), vae4j);
        Trainer b;
        if (baseline == Baseline.NONE) {
            b = null;
        } else if (baseline == Baseline.BUILTIN) {
            BuiltinVae builtin = new BuiltinVae(c);
            b = new Trainer("dl4j-builtin", data, c, settings, new EpochLoop.Step() {
                @Override
                public void fit(DataSet batch) {
                    builtin.fit(batch.getFeatures());
                }

                @Override
                public double score() {
                    return builtin.score();
                }
            }, builtin);
        } else {
            VaeModel stock = VaeModel.create(c, DataType.FLOAT, null, VaeNetwork.Layers.STOCK);
            b = new Trainer("dl4j-stock", data, c, settings, EpochLoop.of(stock.network()), stock);
        }
        // ε of both JVM trainers comes from ND4J's global generator, seeded as vae4j train seeds it
        Nd4j.getRandom().setSeed(Seeds.derive(c.seed(), Seeds.Stream.TRAINING_NOISE, 0));
        String architecture = PytorchPeer.architecture(c);
        String skipped = python == null ? "left out (--no-pytorch)"
                : architecture == null ? "torch_vae.py implements the reference MLP and conv-mnist only"
                : PytorchPeer.unavailableReason(python);
        PytorchPeer peer = null;
        PytorchTrainer p = null;
        java.nio.file.Path work = null;
        try {
            if (skipped == null) {
                work = java.nio.file.Files.createTempDirectory("vae4j-bench-pytorch");
                try {
                    peer = PytorchPeer.start(python, architecture, data.trainX(), data.testX(), c,
                            io.github.vae4j.util.SpinningWorkers.shared().threads(), work);
                    p = new PytorchTrainer(peer, settings.epochs());
                } catch (java.io.IOException | IllegalArgumentException e) {
                    skipped = "could not start: " + e.getMessage();
                    log.warn("bench: PyTorch {}", skipped);
                }
            } else {
                log.warn("bench: PyTorch {}", skipped);
            }
            List<Runnable> trainers = new ArrayList<>();
            ProcessMemory.resetPeak();
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                int e = epoch;
                trainers.clear();
                trainers.add(() -> a.epoch(e));
                if (b != null) {
                    trainers.add(() -> b.epoch(e));
                }
                if (p != null) {
                    PytorchTrainer pt = p;
                    trainers.add(() -> pt.epoch(e));
                }
                java.util.Collections.rotate(trainers, -(epoch % trainers.size()));
                trainers.forEach(Runnable::run);
            }
            long trainPeak = ProcessMemory.peakRssBytes();
            TrainerReport ra = a.report(data, settings, c);
            TrainerReport rb = b == null ? null : b.report(data, settings, c);
            PytorchReport rp = p == null ? null : p.report(settings, ra);
            return new DataReport(data.id(), data.trainX().size(0), data.testX().size(0), ra, rb, baseline.label(),
                    rb == null ? Double.NaN : ra.medianExamplesPerSecond() / rb.medianExamplesPerSecond(),
                    rb == null ? null : Ratio.of(ra.examplesPerSecond(), rb.examplesPerSecond(), 1), rp, skipped,
                    trainPeak);
        } finally {
            if (peer != null) {
                peer.close();
            }
            io.github.vae4j.util.FileTrees.deleteQuietly(work);
        }
    }

    /** PyTorch's side: one epoch per round in the peer process. */
    private static final class PytorchTrainer {
        private final PytorchPeer peer;
        private final double[] seconds;
        private final double[] rates;
        private double lastLoss;

        PytorchTrainer(PytorchPeer peer, int epochs) {
            this.peer = peer;
            this.seconds = new double[epochs];
            this.rates = new double[epochs];
        }

        void epoch(int epoch) {
            try {
                PytorchPeer.Epoch r = peer.epoch();
                seconds[epoch] = r.seconds();
                rates[epoch] = r.examplesPerSecond();
                lastLoss = r.loss();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            log.info(String.format(Locale.ROOT, "bench %-12s epoch %d: %.2f s, %.0f ex/s, train loss %.3f", "pytorch",
                    epoch + 1, seconds[epoch], rates[epoch], lastLoss));
        }

        PytorchReport report(Settings settings, TrainerReport vae4j) throws java.io.IOException {
            PytorchPeer.Evaluation e = peer.evaluate(settings.k(), settings.elboSamples());
            log.info(String.format(Locale.ROOT, "bench %-12s test -ELBO %.3f, log p(x) IS k=%d %.3f (%.1f s)", "pytorch",
                    e.negativeElbo(), e.k(), e.logLikelihood(), e.seconds()));
            return new PytorchReport(peer.version(), peer.threads(), seconds, rates, median(rates), lastLoss,
                    e.negativeElbo(), e.logLikelihood(), e.k(), e.seconds(),
                    Ratio.of(vae4j.examplesPerSecond(), rates, 1));
        }
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
        /** The seeded batches, as in {@code VaeTrainer}. */
        private final ShuffledBatchIterator batches;
        private final EpochLoop.Step step;
        private final LatentVariableModel model;
        private final double[] seconds;
        private final double[] rates;
        private final List<List<String>> fingerprints = new ArrayList<>();
        private double lastLoss;

        Trainer(String name, DataSplit data, VaeConfig config, Settings settings, EpochLoop.Step step,
                LatentVariableModel model) {
            this.name = name;
            this.batches = new ShuffledBatchIterator(data.trainX(), config.batchSize(), config.seed(),
                    settings.maxBatches());
            this.step = step;
            this.model = model;
            this.seconds = new double[settings.epochs()];
            this.rates = new double[settings.epochs()];
        }

        void epoch(int epoch) {
            if (epoch > 0) {
                batches.reset();
            }
            List<String> seen = new ArrayList<>();
            fingerprints.add(seen);
            EpochLoop.Pass pass = EpochLoop.run(batches, new EpochLoop.Step() {
                @Override
                public void fit(DataSet batch) {
                    // the batch's size and its first row: identifies the batch without an ND4J op in the timed loop
                    INDArray features = batch.getFeatures();
                    seen.add(features.size(0) + ":" + java.util.Arrays.hashCode(features.getRow(0).toFloatVector()));
                    step.fit(batch);
                }

                @Override
                public double score() {
                    return step.score();
                }
            }, epoch, null);
            seconds[epoch] = pass.seconds();
            rates[epoch] = pass.examplesPerSecond();
            lastLoss = pass.meanLoss();
            log.info(String.format(Locale.ROOT, "bench %-12s epoch %d: %.2f s, %.0f ex/s, train loss %.3f", name,
                    epoch + 1, seconds[epoch], rates[epoch], lastLoss));
        }

        TrainerReport report(DataSplit data, Settings settings, VaeConfig config) {
            ProcessMemory.resetPeak();
            Evaluation e = Evaluator.evaluate(model, data.testX(), settings.elboSamples(), settings.k(), config.objective(),
                    config.seed());
            long evalPeak = ProcessMemory.peakRssBytes();
            log.info(String.format(Locale.ROOT, "bench %-12s test -ELBO %.3f, log p(x) IS k=%d %.3f (%.1f s)", name,
                    e.negativeElbo(), e.importanceSamples(), e.logLikelihood(), e.seconds()));
            double med = median(rates);
            return new TrainerReport(name, seconds, rates, med,
                    med * config.architecture().trainingFlopPerExample() / 1e9, seconds[seconds.length - 1] / seconds[0],
                    lastLoss, e, evalPeak, List.copyOf(fingerprints));
        }
    }
}
