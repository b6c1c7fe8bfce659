package io.github.vae4j.spark;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.engine.FusedGraphUpdater;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on Spark local[2]: the loss goes down and the result is an ordinary vae4j model. */
class SparkTrainerTest {

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkTrainCommand.sparkConf("local[2]").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    @Test
    void theReferenceModelTrainsOnSparkAndLoadsAsAVae4jModel(@TempDir Path dir) throws Exception {
        VaeConfig config = VaeConfig.defaults().withOverrides(Map.of("epochs", 2));
        DataRef data = DataRef.of("mnist10k", DataOptions.defaults().withSeed(config.seed()));
        DataSplit split = data.read();
        VaeModel initial = VaeModel.create(VaeTrainer.forData(config, split));
        double before = Evaluator.evaluate(initial, split.testX(), 1, 1, config.objective(), 0).negativeElbo();

        TrainingResult r = new SparkTrainer(config, new SparkTrainer.Options(dir, 5, 2, false, false, false)).train(sc, data);

        assertEquals(2, r.history().size());
        double first = r.history().get(0).testLoss();
        double second = r.history().get(1).testLoss();
        assertTrue(first < before - 100 && second < first, "test -ELBO " + before + " -> " + first + " -> " + second);
        VaeModel loaded = VaeModel.load(dir.resolve("model.zip"));
        assertNotEquals(initial.network().params(), loaded.network().params(), "trained parameters");
        assertEquals(initial.network().params().length(), loaded.network().params().length());
        assertEquals(second, Evaluator.evaluate(loaded, split.testX(), 1, 1, config.objective(),
                io.github.vae4j.util.Seeds.derive(config.seed(), io.github.vae4j.util.Seeds.Stream.TEST_ELBO, 1))
                .negativeElbo(), 1e-3, "the saved model is the one evaluated");
        assertEquals("mnist10k", loaded.metadata().datasetId());
        assertEquals(2.0, loaded.metadata().metrics().get("epochs"));
        assertEquals(2, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(dir.resolve("config.json")));
        // plain DL4J reads it too
        ComputationGraph plain = ComputationGraph.load(dir.resolve("model.zip").toFile(), false);
        assertEquals(loaded.network().params(), plain.params());
    }

    @Test
    void aConditionalConvModelTrainsOnSparkToo(@TempDir Path dir) throws Exception {
        VaeConfig config = VaeConfig.fromJson("""
                {"inputShape": [1, 28, 28],
                 "encoder": [{"type": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": 1},
                             {"type": "dense", "width": 32}],
                 "latentSize": 4,
                 "decoder": [{"type": "dense", "width": 392}, {"type": "reshape", "channels": 2, "height": 14, "width": 14}],
                 "outputHead": {"type": "deconv", "kernel": 4, "stride": 2, "padding": 1},
                 "conditional": true, "epochs": 1, "seed": 3}""");
        DataRef data = DataRef.of("mnist10k", DataOptions.defaults().withSeed(config.seed()));
        DataSplit split = data.read();
        VaeModel initial = VaeModel.create(VaeTrainer.forData(config, split));
        var rows = initial.jointInput(split.testX(), split.testLabelArray());
        double before = Evaluator.evaluate(initial.joint(), rows, 1, 1, config.objective(), 0).negativeElbo();

        TrainingResult r = new SparkTrainer(config, new SparkTrainer.Options(dir, 5, 2, false, false, false)).train(sc, data);

        // a small model, one epoch: about 48 nats down on this machine
        assertTrue(r.last().testLoss() < before - 30, "test -ELBO " + before + " -> " + r.last().testLoss());
        VaeModel loaded = VaeModel.load(dir.resolve("model.zip"));
        assertTrue(loaded.conditional());
        assertEquals(10, loaded.classes());
        assertEquals(4, loaded.generate(new int[] {1, 2, 3, 4}, 0).size(0));
    }

    @Test
    void theWorkersGetTheDriversEpochAndIterationTheFusedUpdaterAndAdamsMoments(@TempDir Path dir) {
        VaeConfig config = VaeConfig.defaults().withOverrides(Map.of("objective",
                Map.of("beta", 1.0, "klSchedule", "linear:10")));
        DataSplit split = DataRef.of("mnist10k", DataOptions.defaults()).read();
        ComputationGraph driver = VaeModel.create(VaeTrainer.forData(config, split)).network();
        WorkerHook.applyCounts(driver, 3, 50);
        WorkerHook hook = new WorkerHook();
        var master = SparkTrainer.master(config, new SparkTrainer.Options(dir, 5, 2, true, false, false), hook);
        var spark = new org.deeplearning4j.spark.impl.graph.SparkComputationGraph(sc, driver, master);
        hook.setCounts(3, 50);
        // what a worker builds: DL4J clones the configuration, which drops the counts
        var worker = master.getWorkerInstance(spark);
        ComputationGraph copy = worker.getInitialModelGraph();
        assertEquals(0, copy.getConfiguration().getEpochCount(), "DL4J's worker graph starts at epoch 0");
        assertFalse(copy.getUpdater(true) instanceof FusedGraphUpdater, "DL4J's own updater path before the hook");

        var x = split.trainX().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(x, x);
        worker.processMinibatch(batch, copy, false);
        assertTrue(copy.getUpdater(false) instanceof FusedGraphUpdater);
        assertEquals(3, copy.getConfiguration().getEpochCount());
        assertEquals(51, copy.getConfiguration().getIterationCount(), "the driver's 50 plus the minibatch just fitted");
        for (var layer : copy.getLayers()) {
            assertEquals(3, layer.getEpochCount(), layer.conf().getLayer().getLayerName());
        }
        // the KL weight the worker's variational layer trained with: linear:10 at epoch 3
        assertEquals(VaeModel.create(VaeTrainer.forData(config, split)).config().objective().klWeight(3, 30),
                ((io.github.vae4j.nn.VariationalLayerImpl) copy.getLayer("z")).klWeight(), 1e-12);
        // Adam's moments come back to be averaged
        var result = worker.getFinalResult(copy);
        assertTrue(result.getUpdaterState() != null && result.getUpdaterState().length() > 0, "updater state");

        // by default the epoch still reaches the workers, but each round starts Adam afresh
        WorkerHook fresh = new WorkerHook();
        var defaultMaster = SparkTrainer.master(config, new SparkTrainer.Options(dir, 5, 2, false, false, false), fresh);
        var defaultSpark = new org.deeplearning4j.spark.impl.graph.SparkComputationGraph(sc, driver, defaultMaster);
        fresh.setCounts(3, 0);
        var defaultWorker = defaultMaster.getWorkerInstance(defaultSpark);
        ComputationGraph other = defaultWorker.getInitialModelGraph();
        defaultWorker.processMinibatch(batch, other, false);
        assertEquals(3, other.getConfiguration().getEpochCount());
        assertEquals(1, other.getConfiguration().getIterationCount());
        assertEquals(null, defaultWorker.getFinalResult(other).getUpdaterState());
    }

    @Test
    void eachEpochsBatchesCoverTheTrainingRowsOnce() {
        List<int[]> batches = ExecutorBatches.batchRows(1000, 128, 42, 3);
        assertEquals(8, batches.size());
        boolean[] seen = new boolean[1000];
        int served = 0;
        for (int[] b : batches) {
            for (int row : b) {
                assertFalse(seen[row], "row " + row + " twice");
                seen[row] = true;
                served++;
            }
        }
        assertEquals(1000, served, "every row once");
        assertFalse(java.util.Arrays.equals(ExecutorBatches.batchRows(1000, 128, 42, 4).get(0), batches.get(0)),
                "another order in another epoch");
        // the order vae4j train's batch iterator visits in the same epoch
        assertTrue(java.util.Arrays.equals(io.github.vae4j.data.ShuffledBatchIterator.epochOrder(1000, 42, 3), 0, 128,
                batches.get(0), 0, 128), "the first batch is the first 128 rows of the epoch's order");
    }

    @Test
    void badFlagsGetAOneLineErrorAndExitCode1(@TempDir Path dir) {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            code = SparkTrainCommand.run("--averaging-frequency", "0", "--out", dir.resolve("o").toString(),
                    "--master", "local[1]");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(1, code);
        List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).startsWith("vae4j-spark: error: --averaging-frequency and --workers must be >= 1"),
                lines.get(0));
    }
}
