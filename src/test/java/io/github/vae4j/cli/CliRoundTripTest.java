package io.github.vae4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real command line, end to end on the embedded data set, a few batches per epoch. */
class CliRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Vae4jCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void warmupRunsEveryCommandAndLeavesNothingBehind() throws Exception {
        long before;
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            before = files.filter(f -> f.getFileName().toString().startsWith("vae4j-warmup")).count();
        }
        assertEquals(0, Vae4jCli.execute("warmup", "--conv-config", "configs/conv-mnist.json"));
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(before, files.filter(f -> f.getFileName().toString().startsWith("vae4j-warmup")).count());
        }
    }

    @Test
    void trainSampleReconstructInfoRoundTrip(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Run train = run("train", "--epochs", "2", "--max-batches", "5", "--latent", "8", "-o", out.toString(), "--no-progress");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("trained 2 epochs"), train.out());

        Path model = out.resolve("model.zip");
        try (ZipFile zip = new ZipFile(model.toFile())) {
            assertNotNull(zip.getEntry("configuration.json"));
            assertNotNull(zip.getEntry("coefficients.bin"));
            assertNotNull(zip.getEntry("vae4j-metadata.json"));
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, lines.size());
        JsonNode last = JSON.readTree(lines.get(1));
        assertEquals(2, last.get("epoch").asInt());
        assertTrue(last.get("testLoss").asDouble() > 0 && last.get("examplesPerSecond").asDouble() > 0);
        assertEquals(8, JSON.readTree(out.resolve("config.json").toFile()).get("latentSize").asInt());
        for (String png : List.of("samples-epoch001.png", "samples-epoch002.png", "reconstructions-epoch002.png",
                "loss-curves.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png + " is a PNG");
            assertTrue(img.getWidth() > 28, png);
        }

        Path samples = dir.resolve("s.png");
        Run sample = run("sample", "--model", model.toString(), "--n", "16", "--out", samples.toString());
        assertEquals(0, sample.code(), sample.err());
        BufferedImage s = ImageIO.read(samples.toFile());
        assertEquals(8 * 30 + 2, s.getWidth());
        assertEquals(2 * 30 + 2, s.getHeight());

        Path recon = dir.resolve("r.png");
        Run rec = run("reconstruct", "--model", model.toString(), "--n", "8", "--out", recon.toString());
        assertEquals(0, rec.code(), rec.err());
        assertNotNull(ImageIO.read(recon.toFile()));

        Path evalJson = dir.resolve("eval.json");
        Run eval = run("evaluate", "--model", model.toString(), "--k", "20", "--max-examples", "50", "--out", evalJson.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("log p(x), IS k=20"), eval.out());
        JsonNode ev = JSON.readTree(evalJson.toFile());
        assertEquals(50, ev.get("examples").asInt());
        assertTrue(ev.get("logLikelihood").asDouble() >= -ev.get("negativeElbo").asDouble() - 1.0,
                "IS log p(x) is not far below the ELBO: " + ev);
        assertEquals(8, ev.get("klPerDimension").size());

        Path latent = dir.resolve("latent");
        Run interp = run("interpolate", "--model", model.toString(), "--pairs", "3", "--steps", "6", "--out", latent.toString());
        assertEquals(0, interp.code(), interp.err());
        for (String kind : List.of("linear", "slerp")) {
            BufferedImage strip = ImageIO.read(latent.resolve("interpolate-" + kind + ".png").toFile());
            assertEquals(6 * 30 + 2, strip.getWidth(), kind);
            assertEquals(3 * 30 + 2, strip.getHeight(), "one row per pair, " + kind);
        }
        Run trav = run("traverse", "--model", model.toString(), "--steps", "5", "--out", latent.toString());
        assertEquals(0, trav.code(), trav.err());
        assertEquals(8 * 30 + 2, ImageIO.read(latent.resolve("traverse.png").toFile()).getHeight(), "one row per dimension");
        List<String> dims = Files.readAllLines(latent.resolve("traverse.csv"));
        assertEquals(9, dims.size());
        assertEquals("row,dimension,kl,active", dims.get(0));
        Run scatter = run("scatter", "--model", model.toString(), "--tsne-points", "120", "--iterations", "300",
                "--perplexity", "10", "--out", latent.toString());
        assertEquals(0, scatter.code(), scatter.err());
        for (String png : List.of("scatter-pca.png", "scatter-tsne.png")) {
            assertNotNull(ImageIO.read(latent.resolve(png).toFile()), png);
        }
        Run manifold = run("manifold", "--model", model.toString(), "--side", "6", "--out", latent.toString());
        assertEquals(0, manifold.code(), manifold.err());
        assertEquals(6 * 30 + 2, ImageIO.read(latent.resolve("manifold.png").toFile()).getWidth());
        Run embed = run("embed", "--model", model.toString(), "--out", latent.toString());
        assertEquals(0, embed.code(), embed.err());
        List<String> emb = Files.readAllLines(latent.resolve("embeddings.csv"));
        assertEquals(998, emb.size(), "a header and the 997 test images");
        assertEquals(2 + 2 * 8, emb.get(1).split(",").length);
        Run badIndex = run("interpolate", "--model", model.toString(), "--a", "3", "--b", "5000");
        assertEquals(1, badIndex.code());
        assertTrue(badIndex.err().contains("5000"), badIndex.err());
        Run inpaint = run("inpaint", "--model", model.toString(), "--mask", "random", "--iterations", "4", "--samples",
                "20", "--out", latent.toString());
        assertEquals(0, inpaint.code(), inpaint.err());
        JsonNode inpaintMetrics = JSON.readTree(latent.resolve("inpaint-random.json").toFile());
        for (String method : List.of("chain", "importance", "single_pass", "mean_image")) {
            assertTrue(inpaintMetrics.get(method).get("mse").asDouble() > 0, inpaintMetrics.toString());
        }
        assertEquals(3 * 30 + 2, ImageIO.read(latent.resolve("inpaint-random.png").toFile()).getHeight(),
                "rows: input, result, truth");
        Run denoise = run("denoise", "--model", model.toString(), "--noise", "gaussian", "--level", "0.3", "--out",
                latent.toString());
        assertEquals(0, denoise.code(), denoise.err());
        JsonNode denoised = JSON.readTree(latent.resolve("denoise-gaussian.json").toFile());
        assertTrue(denoised.has("noisy"));
        // Gaussian noise of σ = 0.3 clipped to [0, 1]: the corrupted images' MSE lies below σ² = 0.09 (a 2-epoch model
        // need not beat the mean image; the reference model does, docs/benchmarks.md)
        double noisyMse = denoised.get("noisy").get("mse").asDouble();
        assertTrue(noisyMse > 0.02 && noisyMse < 0.09 && denoised.get("denoised").get("mse").asDouble() > 0,
                denoised.toString());
        Run badMask = run("inpaint", "--model", model.toString(), "--mask", "diagonal", "--out", latent.toString());
        assertEquals(1, badMask.code());
        assertTrue(badMask.err().contains("--mask must be bottom, right, random or center, got diagonal"), badMask.err());
        Run anomaly = run("anomaly", "--model", model.toString(), "--k", "5", "--out", latent.toString());
        assertEquals(0, anomaly.code(), anomaly.err());
        List<String> scores = Files.readAllLines(latent.resolve("scores.csv"));
        assertEquals("index,label,neg_elbo,neg_log_px,recon_prob,complexity_corrected,latent_knn,latent_cosine_knn", scores.get(0));
        assertEquals(998, scores.size());
        String[] first = scores.get(1).split(",");
        assertTrue(Double.parseDouble(first[3]) > 0 && Double.parseDouble(first[3]) <= Double.parseDouble(first[2]) + 1,
                "-log p(x) is positive and about as tight as -ELBO: " + scores.get(1));
        assertTrue(Double.parseDouble(first[6]) > 0 && Double.parseDouble(first[7]) >= 0
                && Double.parseDouble(first[7]) <= 2, "latent distances: " + scores.get(1));

        Run info = run("info", "--model", model.toString());
        assertEquals(0, info.code(), info.err());
        JsonNode meta = JSON.readTree(info.out());
        assertEquals(8, meta.get("config").get("latentSize").asInt());
        assertEquals("mnist10k", meta.get("datasetId").asText());
        assertEquals(2.0, meta.get("metrics").get("epochs").asDouble());
        assertEquals(2, meta.get("formatVersion").asInt());
        assertEquals("elbo", meta.get("config").get("objective").get("kind").asText());
    }

    @Test
    void modelTakesAPretrainedName(@TempDir Path dir) throws Exception {
        Run info = run("info", "--model", "mnist-cvae");
        assertEquals(0, info.code(), info.err());
        JsonNode meta = JSON.readTree(info.out());
        assertTrue(meta.get("config").get("conditional").asBoolean(), info.out());
        Path png = dir.resolve("s.png");
        Run sample = run("sample", "--model", "mnist-conv", "--n", "4", "--out", png.toString());
        assertEquals(0, sample.code(), sample.err());
        int height = javax.imageio.ImageIO.read(png.toFile()).getHeight();
        assertTrue(height > 28 && height < 56, "4 samples: one row of 28-pixel digits, got height " + height);
    }

    /** The conv preset end to end: train (PNGs, metrics, model), then sample, reconstruct, evaluate and info. */
    @Test
    void convPresetTrainsAndEveryCommandRunsOnTheConvModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("conv");
        Run train = run("train", "--config", "configs/conv-mnist.json", "--epochs", "1", "--max-batches", "3",
                "-o", out.toString(), "--no-progress");
        assertEquals(0, train.code(), train.err());
        Path model = out.resolve("model.zip");
        for (String f : List.of("model.zip", "metrics.jsonl", "samples-epoch001.png", "reconstructions-epoch001.png",
                "loss-curves.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertEquals(0, run("sample", "--model", model.toString(), "--n", "4", "--out", dir.resolve("s.png").toString()).code());
        assertEquals(0, run("reconstruct", "--model", model.toString(), "--out", dir.resolve("r.png").toString()).code());
        Run eval = run("evaluate", "--model", model.toString(), "--k", "5", "--elbo-samples", "1", "--max-examples", "20",
                "--out", dir.resolve("e.json").toString());
        assertEquals(0, eval.code(), eval.err());
        JsonNode ev = JSON.readTree(dir.resolve("e.json").toFile());
        assertTrue(ev.get("logLikelihood").asDouble() < 0 && ev.get("negativeElbo").asDouble() > 0, ev.toString());
        Run info = run("info", "--model", model.toString());
        assertEquals("conv", JSON.readTree(info.out()).get("config").get("encoder").get(0).get("type").asText());
        // the latent-space commands on the conv model
        Path latent = dir.resolve("latent");
        for (String[] args : List.of(new String[] {"interpolate", "--pairs", "1", "--steps", "3"},
                new String[] {"traverse", "--steps", "2"}, new String[] {"manifold", "--side", "3"},
                new String[] {"embed"}, new String[] {"anomaly", "--k", "2"},
                new String[] {"inpaint", "--mask", "center", "--iterations", "2", "--samples", "5"},
                new String[] {"denoise"})) {
            List<String> all = new java.util.ArrayList<>(List.of(args));
            all.addAll(List.of("--model", model.toString(), "--out", latent.toString()));
            Run r = run(all.toArray(new String[0]));
            assertEquals(0, r.code(), args[0] + ": " + r.err());
        }
        assertEquals(998, Files.readAllLines(latent.resolve("scores.csv")).size());
    }

    /**
     * The objective flags: an IWAE-3 model trains (its train loss is the IWAE bound, its metrics carry the test bound)
     * and evaluates with its own objective beside the ELBO; an ELBO with free bits and a cyclical schedule trains
     * with the scheduled weight per epoch; contradicting flags get one-line errors.
     */
    @Test
    void objectiveFlagsTrainAndEvaluateTheChosenBound(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("iwae");
        Run train = run("train", "--objective", "iwae", "--k", "3", "--epochs", "1", "--max-batches", "4", "--latent", "6",
                "-o", out.toString(), "--no-progress", "--no-images");
        assertEquals(0, train.code(), train.err());
        JsonNode m = JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertTrue(m.get("testObjective").asDouble() > 0 && m.get("testObjective").asDouble() <= m.get("testLoss").asDouble() + 1,
                "the IWAE-3 test bound is at least about as tight as the ELBO: " + m);
        JsonNode saved = JSON.readTree(out.resolve("config.json").toFile()).get("objective");
        assertEquals("iwae", saved.get("kind").asText());
        assertEquals(3, saved.get("samples").asInt());
        Run eval = run("evaluate", "--model", out.resolve("model.zip").toString(), "--k", "3", "--elbo-samples", "1",
                "--max-examples", "40", "--out", dir.resolve("e.json").toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("objective (iwae k=3)"), eval.out());
        JsonNode ev = JSON.readTree(dir.resolve("e.json").toFile());
        assertEquals(-ev.get("logLikelihood").asDouble(), ev.get("negativeObjective").asDouble(), 1e-9,
                "IS with the model's own k is its IWAE bound");

        Path elbo = dir.resolve("elbo");
        train = run("train", "--free-bits", "0.25", "--kl-schedule", "cyclical:2:0.5", "--beta", "2", "--epochs", "4",
                "--max-batches", "2", "--latent", "6", "-o", elbo.toString(), "--no-progress", "--no-images");
        assertEquals(0, train.code(), train.err());
        List<String> lines = Files.readAllLines(elbo.resolve("metrics.jsonl"));
        double[] expected = {0, 2, 0, 2};
        for (int e = 0; e < 4; e++) {
            assertEquals(expected[e], JSON.readTree(lines.get(e)).get("beta").asDouble(), 1e-12, "epoch " + (e + 1));
        }
        assertEquals("elbo beta=2.0 cyclical:2:0.5 freeBits=0.25", run("evaluate", "--model",
                elbo.resolve("model.zip").toString(), "--k", "2", "--elbo-samples", "1", "--max-examples", "10", "--out",
                dir.resolve("e2.json").toString()).code() == 0
                ? JSON.readTree(dir.resolve("e2.json").toFile()).get("objective").asText() : "evaluate failed");

        Run r = run("train", "--objective", "iwae", "-o", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertEquals("vae4j train: error: --objective iwae needs --k N, the samples per example (e.g. --k 5)", r.err().strip());
        r = run("train", "--objective", "iwae", "--k", "5", "--beta", "4", "-o", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().startsWith("vae4j train: error: the iwae objective is the importance-weighted bound "
                + "itself: beta must be 1"), r.err());
        r = run("train", "--kl-schedule", "sawtooth:3", "-o", dir.resolve("x").toString());
        assertEquals("vae4j train: error: klSchedule must be constant, linear:N or cyclical:M:R (e.g. linear:10, "
                + "cyclical:4:0.5), got sawtooth:3", r.err().strip());
        assertFalse(Files.exists(dir.resolve("x/model.zip")));
    }

    /**
     * The conditional VAE end to end: train on mnist10k's labels (10 classes read from the data), sample one digit
     * and a grid with one row per class, generate IDX files (with labels drawn uniformly, and of one class), train
     * again on what was generated, evaluate log p(x|y).
     */
    @Test
    void conditionalModelTrainsSamplesGeneratesAndReadsItsOwnOutputBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cvae");
        Run train = run("train", "--config", "configs/cvae-mnist.json", "--epochs", "1", "--max-batches", "5",
                "--latent", "6", "-o", out.toString(), "--no-progress");
        assertEquals(0, train.code(), train.err());
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertTrue(config.get("conditional").asBoolean());
        assertEquals(10, config.get("classes").asInt(), "the classes come from the data");
        BufferedImage samples = ImageIO.read(out.resolve("samples-epoch001.png").toFile());
        assertEquals(10 * 30 + 2, samples.getHeight(), "one row per class");
        String model = out.resolve("model.zip").toString();

        Run one = run("sample", "--model", model, "--label", "3", "--n", "16", "--out", dir.resolve("three.png").toString());
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("of class 3"), one.out());
        Run all = run("sample", "--model", model, "--label", "all", "--cols", "5", "--out", dir.resolve("all.png").toString());
        assertEquals(0, all.code(), all.err());
        BufferedImage grid = ImageIO.read(dir.resolve("all.png").toFile());
        assertEquals(5 * 30 + 2, grid.getWidth());
        assertEquals(10 * 30 + 2, grid.getHeight());
        Run bad = run("sample", "--model", model, "--label", "12", "--out", dir.resolve("x.png").toString());
        assertEquals(1, bad.code());
        assertEquals("vae4j sample: error: label 12 (row 0) is outside the model's 10 classes [0, 9]", bad.err().strip());

        assertEquals(0, run("reconstruct", "--model", model, "--n", "8", "--out", dir.resolve("r.png").toString()).code());
        assertEquals(0, run("interpolate", "--model", model, "--a", "0", "--b", "1", "--path", "slerp", "--out",
                dir.resolve("ci").toString()).code());
        assertEquals(0, run("traverse", "--model", model, "--steps", "4", "--out", dir.resolve("ct").toString()).code());
        assertEquals(0, run("embed", "--model", model, "--out", dir.resolve("ce").toString()).code());
        assertEquals(0, run("manifold", "--model", model, "--side", "5", "--label", "4", "--out", dir.resolve("cm").toString()).code());
        assertEquals(0, run("anomaly", "--model", model, "--k", "3", "--out", dir.resolve("ca").toString()).code());
        String firstScores = Files.readAllLines(dir.resolve("ca/scores.csv")).get(1);
        assertFalse(firstScores.contains("NaN"), "a conditional model's scores, complexity included: " + firstScores);

        Path gen = dir.resolve("gen");
        Run g = run("generate", "--model", model, "--n", "300", "--out", gen.toString());
        assertEquals(0, g.code(), g.err());
        byte[] labels = Files.readAllBytes(gen.resolve("generated-labels-idx1-ubyte"));
        assertEquals(8 + 300, labels.length);
        java.util.Set<Integer> classes = new java.util.HashSet<>();
        for (int i = 8; i < labels.length; i++) {
            classes.add((int) labels[i]);
        }
        assertEquals(10, classes.size(), "labels drawn uniformly over the 10 classes");
        assertEquals(16 + 300 * 784, Files.size(gen.resolve("generated-images-idx3-ubyte")));
        assertNotNull(ImageIO.read(gen.resolve("generated.png").toFile()));

        Path sevens = dir.resolve("sevens");
        assertEquals(0, run("generate", "--model", model, "--n", "20", "--label", "7", "--out", sevens.toString()).code());
        byte[] seven = Files.readAllBytes(sevens.resolve("generated-labels-idx1-ubyte"));
        for (int i = 8; i < seven.length; i++) {
            assertEquals(7, seven[i]);
        }

        // an unconditional model writes no labels, and leaves none of an earlier run behind
        Path plainModel = dir.resolve("plain");
        assertEquals(0, run("train", "--epochs", "1", "--max-batches", "2", "--latent", "3", "-o", plainModel.toString(),
                "--no-progress", "--no-images").code());
        Path mixed = dir.resolve("mixed");
        assertEquals(0, run("generate", "--model", model, "--n", "10", "--out", mixed.toString()).code());
        assertEquals(0, run("generate", "--model", plainModel.resolve("model.zip").toString(), "--n", "10", "--out",
                mixed.toString()).code());
        assertFalse(Files.exists(mixed.resolve("generated-labels-idx1-ubyte")));
        Run noBench = run("bench", "--config", "configs/cvae-mnist.json");
        assertEquals(1, noBench.code());
        assertTrue(noBench.err().contains("for a conditional model use vae4j bench-conditional"), noBench.err());

        Path again = dir.resolve("again");
        Run back = run("train", "--conditional", "--data", "idx:" + gen, "--epochs", "1", "--latent", "4",
                "-o", again.toString(), "--no-progress", "--no-images");
        assertEquals(0, back.code(), back.err());
        assertEquals(10, JSON.readTree(again.resolve("config.json").toFile()).get("classes").asInt());

        Run eval = run("evaluate", "--model", model, "--k", "5", "--elbo-samples", "1", "--max-examples", "30",
                "--out", dir.resolve("e.json").toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("log p(x|y), IS k=5"), eval.out());

        // the CSV label column: 3 classes read from the data
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            rows.append(i % 7).append(',').append(i % 3).append(',').append((i * 5) % 11).append('\n');
        }
        Path labelled = Files.writeString(dir.resolve("labelled.csv"), rows.toString());
        Run csvTrain = run("train", "--conditional", "--data", "csv:" + labelled, "--csv-label-column", "1",
                "--encoder", "4", "--decoder", "4", "--latent", "2", "--epochs", "1", "-o", dir.resolve("c").toString(),
                "--no-progress");
        assertEquals(0, csvTrain.code(), csvTrain.err());
        JsonNode csvConfig = JSON.readTree(dir.resolve("c/config.json").toFile());
        assertEquals(3, csvConfig.get("classes").asInt());
        assertEquals(2, csvConfig.get("inputShape").get(0).asInt(), "the label column is not an input");

        Path csv = Files.writeString(dir.resolve("nolabels.csv"), "1,2\n3,4\n5,6\n7,8\n9,9\n1,1\n2,2\n3,3\n4,4\n5,5\n");
        Run noLabels = run("train", "--conditional", "--data", "csv:" + csv, "-o", dir.resolve("n").toString());
        assertEquals(1, noLabels.code());
        assertTrue(noLabels.err().contains("a conditional model needs class labels, but data set csv:"), noLabels.err());
    }

    @Test
    void theHeldOutClassLeavesTheTrainingSplitOnly() {
        var all = io.github.vae4j.data.DataSets.mnist10k();
        var without = all.withoutClass(3);
        long threes = java.util.Arrays.stream(all.trainLabelArray()).filter(l -> l == 3).count();
        assertTrue(threes > 0);
        assertEquals(all.trainX().size(0) - threes, without.trainX().size(0));
        assertTrue(java.util.Arrays.stream(without.trainLabelArray()).noneMatch(l -> l == 3));
        assertEquals(all.testX(), without.testX(), "every class stays in the test split");
        assertEquals(all.trainX().getRow(0), without.trainX().getRow(0), "rows stay with their labels");
        // every kept row is the original row of the same rank among the non-3s, with its own label
        int[] labels = all.trainLabelArray();
        int[] kept = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != 3).toArray();
        assertTrue(kept[kept.length - 1] != kept.length - 1, "some 3 lies before the last kept row");
        for (int j : new int[] {0, kept.length / 2, kept.length - 1}) {
            assertEquals(all.trainX().getRow(kept[j]), without.trainX().getRow(j), "row " + j);
            assertEquals(labels[kept[j]], without.trainLabelArray()[j], "label of row " + j);
        }
    }

    /** The leave-one-class-out protocol on one held-out digit, tiny training: the files and the AUROC table. */
    @Test
    void anomalyBenchmarkWritesScoresAndAurocPerHeldOutClass(@TempDir Path dir) throws Exception {
        Run r = run("anomaly-benchmark", "--classes", "1", "--epochs", "1", "--max-batches", "5", "--k", "3",
                "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> scores = Files.readAllLines(dir.resolve("heldout-1/scores.csv"));
        assertEquals(998, scores.size(), "the whole test set is scored");
        JsonNode auroc = JSON.readTree(dir.resolve("auroc.json").toFile());
        // the reported AUROC is the AUROC of the written scores for "digit 1 against the rest"
        List<String[]> rows = scores.subList(1, scores.size()).stream().map(l -> l.split(",")).toList();
        boolean[] isOne = new boolean[rows.size()];
        for (int i = 0; i < isOne.length; i++) {
            isOne[i] = rows.get(i)[1].equals("1");
        }
        List<String> names = List.of("neg_elbo", "neg_log_px", "recon_prob", "complexity_corrected", "latent_knn",
                "latent_cosine_knn");
        for (int c = 0; c < names.size(); c++) {
            int col = 2 + c;
            double[] v = rows.stream().mapToDouble(row -> Double.parseDouble(row[col])).toArray();
            assertEquals(io.github.vae4j.eval.Auroc.of(v, isOne), auroc.get(names.get(c)).get(0).asDouble(), 1e-4,
                    names.get(c));
        }
        for (String[] row : rows) {
            assertTrue(Double.parseDouble(row[4]) <= Double.parseDouble(row[2]) + 1e-4,
                    "recon_prob <= neg_elbo over the same draws (Jensen): " + String.join(",", row));
        }
        assertTrue(r.out().contains("| neg_elbo |"), r.out());
    }

    @Test
    void badInputGivesOneLineErrorsAndNonZeroExit(@TempDir Path dir) throws Exception {
        Run r = run("train", "--latent", "0", "-o", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertEquals("vae4j train: error: latentSize must be >= 1, got 0", r.err().strip());
        assertFalse(Files.exists(dir.resolve("x/model.zip")));

        r = run("sample", "--model", dir.resolve("nope.zip").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().startsWith("vae4j sample: error: no such file:") && r.err().strip().lines().count() == 1, r.err());

        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a model");
        r = run("info", "--model", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is not a zip file"), r.err());

        r = run("train", "--epochs", "many");
        assertEquals(2, r.code(), "usage errors exit 2");

        r = run("train", "--data", "idx:" + dir.resolve("none"), "-o", dir.resolve("y").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }

    @Test
    void reconstructRejectsAModelThatDoesNotMatchTheData(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("d.csv"), "1,2,3\n4,5,6\n7,8,9\n1,1,1\n2,2,2\n3,3,3\n4,4,4\n5,5,5\n6,6,6\n7,7,7\n");
        Run train = run("train", "--data", "csv:" + csv, "--epochs", "1", "--encoder", "4", "--decoder", "4", "--latent", "2",
                "--batch-size", "4", "-o", dir.resolve("m").toString());
        assertEquals(0, train.code(), train.err());
        Run r = run("reconstruct", "--model", dir.resolve("m/model.zip").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("expects 3 inputs but data set mnist10k has 784 dimensions"), r.err());
    }
}
