package io.github.vae4j.bench;

import io.github.vae4j.testutil.TestData;
import io.github.vae4j.cli.Vae4jCli;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.Elbo;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's bookkeeping on a short run; speed itself is measured by {@code vae4j bench}, not asserted here. */
class TrainingBenchmarkTest {

    private static final VaeConfig REFERENCE = VaeConfig.defaults().withInputShape(List.of(1, 28, 28));

    @Test
    void flopCountMatchesTheReferenceModel() {
        // 784·400 + 400·40 + 20·400 + 400·784 multiply-adds forward; ×2 FLOP; ×3 for forward + two gradients
        assertEquals(6.0 * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784),
                REFERENCE.architecture().trainingFlopPerExample());
        assertEquals(3.9072e6, REFERENCE.architecture().trainingFlopPerExample(), 1e2);
        assertEquals(io.github.vae4j.model.VaeModel.create(REFERENCE).network().numParams(),
                REFERENCE.architecture().parameters());
        int[][] products = TrainingBenchmark.denseProducts(REFERENCE.architecture());
        assertEquals(List.of(List.of(784, 400), List.of(400, 40), List.of(20, 400), List.of(400, 784)),
                java.util.Arrays.stream(products).map(p -> List.of(p[0], p[1])).toList());
    }

    private static DataSplit small() {
        DataSplit full = DataSets.mnist10k();
        return new DataSplit(full.id(), full.sha256(), full.shape(),
                full.trainX().get(NDArrayIndex.interval(0, 1024), NDArrayIndex.all()), null,
                full.testX().get(NDArrayIndex.interval(0, 64), NDArrayIndex.all()), null, null);
    }

    @Test
    void bothTrainersRunTheSameBatchesAndAreEvaluatedAlike() throws Exception {
        DataSplit small = small();
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("encoder", TestData.dense(64), "decoder", TestData.dense(64),
                "latentSize", 4, "learningRate", 3e-3));
        TrainingBenchmark.DataReport r = TrainingBenchmark.run(small, c, new TrainingBenchmark.Settings(3, 20, 2, 0),
                TrainingBenchmark.Baseline.BUILTIN, null);
        assertEquals(null, r.pytorch());
        assertEquals("left out (--no-pytorch)", r.pytorchSkipped());
        VaeConfig shaped = c.withInputShape(small.shape());

        // the two trainers were fed the same minibatches, in the same order, every epoch, and each epoch's order
        // is a new one (8 batches of 128 from 1024 rows)
        assertEquals(r.vae4j().batchFingerprints(), r.baseline().batchFingerprints());
        assertEquals(3, r.vae4j().batchFingerprints().size());
        for (List<String> epoch : r.vae4j().batchFingerprints()) {
            assertEquals(8, epoch.size());
        }
        assertTrue(!r.vae4j().batchFingerprints().get(0).equals(r.vae4j().batchFingerprints().get(1)),
                "a new shuffle each epoch");
        for (TrainingBenchmark.TrainerReport t : List.of(r.vae4j(), r.baseline())) {
            assertEquals(3, t.epochSeconds().length);
            assertTrue(t.medianExamplesPerSecond() > 0);
            assertEquals(t.medianExamplesPerSecond() * shaped.architecture().trainingFlopPerExample() / 1e9, t.gflops(),
                    1e-9);
            // both learned something from the same 3×8 minibatches: the loss is far below the ~543 nats at init
            assertTrue(t.trainLoss() < 400, t.trainer() + " train loss " + t.trainLoss());
            // importance sampling with k = 20 tightens the ELBO
            assertTrue(t.evaluation().logLikelihood() >= -t.evaluation().negativeElbo() - 0.5,
                    t.trainer() + ": IS " + t.evaluation().logLikelihood() + " vs ELBO " + -t.evaluation().negativeElbo());
        }
        assertEquals(r.vae4j().medianExamplesPerSecond() / r.baseline().medianExamplesPerSecond(), r.speedup(), 1e-12);
        assertEquals("DL4J built-in VAE", r.baselineName());
    }

    @Test
    void stockBaselineIsTheSameGraphAndLearnsTheSameWay() throws Exception {
        DataSplit small = small();
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("encoder", TestData.dense(64), "decoder", TestData.dense(64),
                "latentSize", 4, "learningRate", 3e-3));
        TrainingBenchmark.DataReport r = TrainingBenchmark.run(small, c, new TrainingBenchmark.Settings(2, 5, 1, 0),
                TrainingBenchmark.Baseline.STOCK, null);
        assertEquals(r.vae4j().batchFingerprints(), r.baseline().batchFingerprints());
        // same architecture, init seed and batches: the two implementations end within a few nats of each other
        assertEquals(r.vae4j().trainLoss(), r.baseline().trainLoss(), 5.0);
        assertEquals("same graph, DL4J stock layers", r.baselineName());
    }

    @Test
    void builtinViewComputesTheSameElboAsTheLayer() {
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("encoder", TestData.dense(32), "decoder", TestData.dense(32),
                "latentSize", 3, "inputShape", List.of(784)));
        BuiltinVae vae = new BuiltinVae(c);
        var x = DataSets.mnist10k().testX().get(NDArrayIndex.interval(0, 200), NDArrayIndex.all());
        // DL4J's layer score after a step is −ELBO with one z draw; our view's Monte Carlo ELBO with many draws
        // must agree with the layer's own score averaged over many single-draw evaluations
        double viaView = Elbo.estimate(vae, x, 200, 3).meanNegativeElbo();
        vae.network().initGradientsView();
        var layer = vae.network().getLayer(0);
        double layerScore = 0;
        int draws = 200;
        for (int i = 0; i < draws; i++) {
            layer.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            layer.computeGradientAndScore(org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            layerScore += layer.score();
        }
        layerScore /= draws;
        assertEquals(layerScore, viaView, 0.02 * Math.abs(layerScore), "layer " + layerScore + " view " + viaView);
    }

    /** A smoke run of the command with another seed: it completes and the report names that seed. */
    @Test
    void benchCommandTakesASeed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path json = dir.resolve("bench.json");
        assertEquals(0, Vae4jCli.execute("bench", "--datasets", "mnist10k", "--epochs", "1", "--max-batches", "2",
                "--k", "2", "--elbo-samples", "1", "--gemm-seconds", "0.02", "--seed", "7", "--out", json.toString()));
        String report = java.nio.file.Files.readString(json);
        assertTrue(report.contains("seed 7"), report.substring(0, Math.min(400, report.length())));
        assertEquals(2, Vae4jCli.execute("bench", "--seed", "x"));
    }

    @Test
    void badFlagsAreRejectedWithOneLine() {
        assertEquals(2, Vae4jCli.execute("bench", "--epochs", "x"));
        assertEquals(1, Vae4jCli.execute("bench", "--epochs", "0", "--datasets", "mnist10k"));
        assertEquals(1, Vae4jCli.execute("bench", "--datasets", "nope"));
    }
}
