package io.github.vae4j.cli;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.AnomalyScores;
import io.github.vae4j.eval.Auroc;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.VaeTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code vae4j anomaly-benchmark}: leave one class out. For each held-out class d, a model is trained on the other
 * classes' training images, scores the whole test set, and each score's AUROC of "class d against the rest" is taken.
 */
@Command(name = "anomaly-benchmark", mixinStandardHelpOptions = true,
        description = "Leave-one-class-out anomaly detection: for each class d, train on the other classes, score the "
                + "whole test set and report each score's AUROC of d against the rest. Writes DIR/heldout-<d>/scores.csv "
                + "and DIR/auroc.json, prints a Markdown table with the published reference beside it.")
public final class AnomalyBenchmarkCommand implements Callable<Integer> {

    /** Tonnaer (2022, PhD thesis, Table 3.3): a VAE's −ELBO score on MNIST, held-out digit 0–9, latent 2 and 32. */
    static final double[] TONNAER_LATENT2 = {0.96, 0.73, 0.97, 0.94, 0.73, 0.92, 0.95, 0.77, 0.92, 0.66};
    static final double[] TONNAER_LATENT32 = {0.81, 0.09, 0.92, 0.87, 0.78, 0.86, 0.87, 0.51, 0.89, 0.58};

    @Option(names = "--config", paramLabel = "FILE", description = "Model preset (default: the reference MLP).")
    Path config;

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--classes", split = ",", paramLabel = "D", description = "Held-out classes (default: all).")
    List<Integer> classes;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the preset's epochs.")
    Integer epochs;

    @Option(names = "--max-batches", defaultValue = "0", paramLabel = "N", description = "Cap batches per epoch, for smoke runs (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(names = "--k", defaultValue = "100", paramLabel = "K", description = "Importance samples for neg_log_px (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the scores' z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/anomaly-benchmark", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        VaeConfig c = config == null ? VaeConfig.defaults() : VaeConfig.load(config);
        if (epochs != null) {
            c = c.withOverrides(Map.of("epochs", epochs));
        }
        if (c.conditional()) {
            throw new IllegalArgumentException("anomaly-benchmark trains unconditional models; the preset is conditional");
        }
        DataSplit all = data.load(c.seed());
        if (!all.labelled()) {
            throw new IllegalArgumentException("anomaly-benchmark holds classes out, but data set " + all.id()
                    + " has no labels");
        }
        int n = all.classes();
        List<Integer> heldOut = classes != null ? classes : IntStream.range(0, n).boxed().toList();
        // every setting checked before the first of the (long) trainings
        for (int d : heldOut) {
            if (d < 0 || d >= n) {
                throw new IllegalArgumentException("class " + d + " is outside the data's " + n + " classes");
            }
        }
        if (k < 1) {
            throw new IllegalArgumentException("--k must be >= 1, got " + k);
        }
        Map<String, double[]> auroc = new LinkedHashMap<>();
        for (String s : AnomalyScores.NAMES) {
            auroc.put(s, new double[heldOut.size()]);
        }
        int[] testLabels = all.testLabelArray();
        for (int h = 0; h < heldOut.size(); h++) {
            int d = heldOut.get(h);
            Path dir = out.resolve("heldout-" + d);
            DataSplit normal = all.withoutClass(d);
            VaeModel m = new VaeTrainer(c, new VaeTrainer.Options(dir.resolve("model"), maxBatches, false, false, false,
                    0, true))
                    .train(normal).model();
            AnomalyScores scores = AnomalyScores.compute(m, all.testX(), all.testX(), normal.trainX(), k, seed);
            scores.writeCsv(dir.resolve("scores.csv"), testLabels);
            boolean[] positive = new boolean[testLabels.length];
            for (int i = 0; i < positive.length; i++) {
                positive[i] = testLabels[i] == d;
            }
            for (String s : AnomalyScores.NAMES) {
                auroc.get(s)[h] = Auroc.of(scores.score(s), positive);
            }
            int column = h;
            System.out.printf(Locale.ROOT, "held-out %d: %s%n", d, AnomalyScores.NAMES.stream()
                    .map(s -> String.format(Locale.ROOT, "%s %.3f", s, auroc.get(s)[column])).toList());
        }
        Json.write(out.resolve("auroc.json"), auroc);
        String table = table(heldOut, auroc, all.id().equals("mnist10k"));
        io.github.vae4j.util.AtomicFiles.writeString(out.resolve("auroc.md"), table);
        System.out.print(table);
        System.out.println("wrote " + out.resolve("auroc.json"));
        return 0;
    }

    /** The Markdown table; Tonnaer's rows (MNIST) beside it when {@code mnist} and every digit was held out. */
    static String table(List<Integer> heldOut, Map<String, double[]> auroc, boolean mnist) {
        StringBuilder t = new StringBuilder("| score |");
        heldOut.forEach(d -> t.append(' ').append(d).append(" |"));
        t.append(" mean |\n|---|");
        heldOut.forEach(d -> t.append("---|"));
        t.append("---|\n");
        for (var e : auroc.entrySet()) {
            row(t, e.getKey(), e.getValue());
        }
        if (mnist && heldOut.equals(IntStream.range(0, 10).boxed().toList())) {
            row(t, "Tonnaer 2022, −ELBO, latent 2", TONNAER_LATENT2);
            row(t, "Tonnaer 2022, −ELBO, latent 32", TONNAER_LATENT32);
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String name, double[] v) {
        t.append("| ").append(name).append(" |");
        for (double a : v) {
            t.append(String.format(Locale.ROOT, " %.3f |", a));
        }
        t.append(String.format(Locale.ROOT, " %.3f |%n", java.util.Arrays.stream(v).average().orElse(Double.NaN)));
    }
}
