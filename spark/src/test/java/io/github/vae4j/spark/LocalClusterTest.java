package io.github.vae4j.spark;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on {@code local-cluster[2,1,1536]}: a standalone master and two workers whose executors are separate JVMs,
 * so the graph's configuration, vae4j's layers and losses, the worker hook and the batches really cross JVMs (in
 * {@code local[N]} everything shares the driver's JVM).
 */
class LocalClusterTest {

    @Test
    void theReferenceModelTrainsOnExecutorsInOtherJvms(@TempDir Path dir) throws Exception {
        String classpath = sparkHomeFromTestClasspath();
        VaeConfig config = VaeConfig.defaults().withOverrides(Map.of("epochs", 1));
        DataRef data = DataRef.of("mnist10k", DataOptions.defaults().withSeed(config.seed()));
        DataSplit split = data.read();
        VaeModel initial = VaeModel.create(VaeTrainer.forData(config, split));
        double before = Evaluator.evaluate(initial, split.testX(), 1, 1, config.objective(), 0).negativeElbo();
        TrainingResult r;
        try (JavaSparkContext sc = new JavaSparkContext(SparkTrainCommand.sparkConf("local-cluster[2,1,1536]")
                .set("spark.ui.enabled", "false")
                .set("spark.executor.extraClassPath", classpath)
                .set("spark.executor.memory", "1g"))) {
            r = new SparkTrainer(config, new SparkTrainer.Options(dir, 5, 2, false, false, false)).train(sc, data);
            // the work ran in two executor JVMs besides the driver
            assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "executors");
        }
        double after = r.last().testLoss();
        assertTrue(after < before - 100, "test -ELBO " + before + " -> " + after);
        VaeModel loaded = VaeModel.load(dir.resolve("model.zip"));
        assertNotEquals(initial.network().params(), loaded.network().params());
    }

    /**
     * Fills {@code $SPARK_HOME/jars} (target/spark-home, set by the build) with links to the jars of this JVM's
     * classpath, which the workers put on their executors' classpath; returns the classpath's folders
     * (target/classes, target/test-classes) for {@code spark.executor.extraClassPath}.
     */
    static String sparkHomeFromTestClasspath() throws Exception {
        Path jars = Path.of(System.getenv("SPARK_HOME"), "jars");
        Files.createDirectories(jars);
        List<String> folders = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                folders.add(p.toString());
            } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        return String.join(File.pathSeparator, folders);
    }
}
