package io.github.vae4j.train;

import io.github.vae4j.model.ModelFile;
import io.github.vae4j.model.VaeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training in a child JVM killed with SIGKILL at several moments (mid-epoch, and with a checkpoint written after
 * every batch, often mid-checkpoint): after every kill each model and checkpoint file in the directory loads, and
 * {@code --resume} finishes the run with bitwise the parameters and the metrics of an uninterrupted run.
 */
class CrashRecoveryTest {

    /** A small dense model, binarized batches (position-seeded draws), a checkpoint after every batch. */
    private static final List<String> RUN = List.of("--encoder", "64", "--decoder", "64", "--latent", "4",
            "--epochs", "3", "--max-batches", "25", "--batch-size", "64", "--binarize");
    private static final List<String> EVERY_BATCH = List.of("--no-images", "--no-progress", "--checkpoint-minutes",
            "0.000001");

    @Test
    void aRunKilledAtAnyMomentResumesToBitwiseTheUninterruptedParameters(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        Process p = train(tmp, "whole", concat(List.of("train", "--out", whole.toString()), RUN, EVERY_BATCH));
        assertEquals(0, exit(p), log(tmp, "whole"));

        Path killed = tmp.resolve("killed");
        Path checkpoint = killed.resolve(VaeTrainer.CHECKPOINT_FILE);
        p = train(tmp, "killed-0", concat(List.of("train", "--out", killed.toString()), RUN, EVERY_BATCH));
        int kills = 0;
        for (long delayMillis : new long[] {0, 30, 80, 150, 250}) {
            FileTime before = Files.exists(checkpoint) ? Files.getLastModifiedTime(checkpoint) : null;
            // a checkpoint newer than the last kill: the (resumed) process is training
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && (!Files.exists(checkpoint) || Files.getLastModifiedTime(checkpoint).equals(before))
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(delayMillis);
            if (!p.isAlive()) {
                break;
            }
            p.destroyForcibly();
            p.waitFor();
            kills++;
            everyModelFileLoads(killed);
            p = train(tmp, "killed-" + kills, concat(List.of("train", "--resume", killed.toString()), EVERY_BATCH));
        }
        assertEquals(0, exit(p), log(tmp, "killed-" + kills));
        assertTrue(kills >= 3, "the run was killed only " + kills + " times before it finished");
        everyModelFileLoads(killed);

        float[] expected = parameters(whole.resolve(VaeTrainer.MODEL_FILE));
        float[] actual = parameters(killed.resolve(VaeTrainer.MODEL_FILE));
        assertEquals(expected.length, actual.length);
        assertArrayEquals(bits(expected), bits(actual), "resumed after " + kills + " kills: parameters differ");
        List<String> a = withoutTimes(whole);
        List<String> b = withoutTimes(killed);
        assertEquals(3, a.size());
        assertEquals(a, b, "metrics of the uninterrupted and the resumed run");
        try (var files = Files.list(killed)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }
    }

    @Test
    void resumingACompleteRunOrWithAChangedSettingIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        List<String> small = List.of("--encoder", "16", "--decoder", "16", "--latent", "2", "--epochs", "1",
                "--max-batches", "2", "--no-images", "--no-progress");
        assertEquals(0, exit(train(tmp, "a", concat(List.of("train", "--out", dir.toString()), small))), log(tmp, "a"));
        assertEquals(1, exit(train(tmp, "b", concat(List.of("train", "--out", dir.toString()), small))));
        assertTrue(log(tmp, "b").contains("already holds a run (model.zip); continue it with --resume " + dir
                + " or replace it with --overwrite"), log(tmp, "b"));
        assertEquals(1, exit(train(tmp, "c", List.of("train", "--resume", dir.toString()))));
        assertTrue(log(tmp, "c").contains("is complete (1 of 1 epochs)"), log(tmp, "c"));
        assertEquals(1, exit(train(tmp, "d", List.of("train", "--resume", dir.toString(), "--epochs", "5"))));
        assertTrue(log(tmp, "d").contains("--epochs cannot change them"), log(tmp, "d"));
        assertEquals(0, exit(train(tmp, "e", concat(List.of("train", "--out", dir.toString(), "--overwrite"), small))),
                log(tmp, "e"));
    }

    @Test
    void aDivergingRunStopsWithTheEpochTheBatchAndTheLikelyCause(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("nan");
        Process p = train(tmp, "nan", List.of("train", "--out", dir.toString(), "--encoder", "16", "--decoder", "16",
                "--latent", "2", "--epochs", "2", "--max-batches", "5", "--lr", "1e30", "--no-images", "--no-progress"));
        assertEquals(1, exit(p));
        String out = log(tmp, "nan");
        String err = out.lines().filter(l -> l.startsWith("vae4j train: error:")).findFirst().orElseThrow(
                () -> new AssertionError("no one-line error: " + out));
        assertTrue(err.matches(".*training diverged at epoch 1, batch \\d+: the loss became (NaN|-?Infinity); likely "
                + "cause: a learning rate too high .*learningRate 1.0E30.*"), err);
        assertTrue(Files.notExists(dir.resolve(VaeTrainer.MODEL_FILE)), "no model from non-finite parameters");
        assertTrue(Files.notExists(dir.resolve(VaeTrainer.CHECKPOINT_FILE)), "no checkpoint from them either");
        // nothing to lose in the directory: a new run may start there without --overwrite
        assertEquals(0, exit(train(tmp, "again", List.of("train", "--out", dir.toString(), "--encoder", "16",
                "--decoder", "16", "--latent", "2", "--epochs", "1", "--max-batches", "2", "--no-images",
                "--no-progress"))), log(tmp, "again"));
    }

    /** Every zip in the directory is a loadable model; the checkpoint also holds its training state. */
    private static void everyModelFileLoads(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".zip")).toList()) {
                VaeModel.load(f);
            }
        }
        Path checkpoint = dir.resolve(VaeTrainer.CHECKPOINT_FILE);
        if (Files.exists(checkpoint)) {
            TrainingState.fromJson(ModelFile.readEntry(checkpoint, TrainingState.ENTRY).orElseThrow(), checkpoint);
        }
    }

    private static float[] parameters(Path model) throws IOException {
        return VaeModel.load(model).network().params().dup().data().asFloat();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** metrics.jsonl with the wall-clock fields removed. */
    private static List<String> withoutTimes(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(MetricsFileListener.METRICS_FILE)).stream()
                .map(l -> l.replaceAll(",\"(examplesPerSecond|epochSeconds|elapsedSeconds)\":[-0-9.eE]+", ""))
                .toList();
    }

    private static Process train(Path tmp, String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                "io.github.vae4j.cli.Vae4jCli"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile())
                .start();
    }

    private static int exit(Process p) throws InterruptedException {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child training did not finish in 300 s");
        }
        return p.exitValue();
    }

    private static String log(Path tmp, String name) throws IOException {
        return Files.readString(tmp.resolve(name + ".log"));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Arrays.stream(parts).flatMap(List::stream).toList();
    }
}
