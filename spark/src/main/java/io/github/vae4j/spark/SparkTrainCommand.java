package io.github.vae4j.spark;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.cli.DataArgs;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vae4j-spark}: trains any vae4j config on a Spark master, writing what {@code vae4j train} writes. Run it
 * with {@code spark/vae4j-spark} (which sets the JVM flags Java 17 needs), or with {@code spark-submit --class
 * io.github.vae4j.spark.SparkTrainCommand} (docs/distributed.md).
 */
@Command(name = "vae4j-spark", mixinStandardHelpOptions = true,
        description = "Train a vae4j model on Apache Spark (DL4J's parameter averaging); writes model.zip, config.json "
                + "and metrics.jsonl like vae4j train.")
public final class SparkTrainCommand implements Callable<Integer> {

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], local-cluster[W,C,MB], spark://HOST:PORT, yarn, ... (default: "
                    + "spark-submit's --master, else local[2]).")
    String master;

    @Option(names = "--config", paramLabel = "FILE", description = "Model config JSON (default: the reference MLP).")
    Path config;

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = {"-o", "--out"}, defaultValue = "runs/spark-train", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "Override epochs.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Override batchSize: the minibatch each worker fits.")
    Integer batchSize;

    @Option(names = "--seed", paramLabel = "N", description = "Override seed.")
    Long seed;

    @Option(names = "--averaging-frequency", defaultValue = "5", paramLabel = "N",
            description = "Minibatches each worker fits between parameter averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Option(names = "--workers", paramLabel = "N",
            description = "Parallel workers, each fitting its own copy of the model (default: Spark's default "
                    + "parallelism, the executors' cores).")
    Integer workers;

    @Option(names = "--average-updater",
            description = "Average Adam's moments with the parameters and carry the iteration count to the workers "
                    + "(default: each round starts with fresh moments, as DL4J does).")
    boolean averageUpdater;

    @Option(names = "--overwrite", description = "Replace a run already in the output directory.")
    boolean overwrite;

    @Option(names = "--no-images", description = "No PNG grids per epoch.")
    boolean noImages;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; the exit code (1 with a one-line error for bad input). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SparkTrainCommand());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            line.getErr().println("vae4j-spark: error: " + message);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (averagingFrequency < 1 || (workers != null && workers < 1)) {
            throw new IllegalArgumentException("--averaging-frequency and --workers must be >= 1, got "
                    + averagingFrequency + " and " + workers);
        }
        VaeConfig c = config == null ? VaeConfig.defaults() : VaeConfig.load(config);
        Map<String, Object> overrides = new HashMap<>();
        if (epochs != null) {
            overrides.put("epochs", epochs);
        }
        if (batchSize != null) {
            overrides.put("batchSize", batchSize);
        }
        if (seed != null) {
            overrides.put("seed", seed);
        }
        c = c.withOverrides(overrides);
        DataRef ref = DataRef.of(data.spec(), data.options(c.seed()));
        // the output directory is checked before Spark starts and the data are read, as vae4j train checks it
        VaeTrainer.checkOutputDirectory(new SparkTrainer.Options(out, averagingFrequency, 1, averageUpdater, overwrite,
                !noImages).trainerOptions());
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf(master))) {
            int p = workers != null ? workers : sc.defaultParallelism();
            TrainingResult r = new SparkTrainer(c, new SparkTrainer.Options(out, averagingFrequency, p, averageUpdater, overwrite, !noImages))
                    .train(sc, ref);
            var last = r.last();
            System.out.printf(Locale.ROOT, "trained %d epochs on %s: test loss %.3f nats (recon %.3f, kl %.3f)%n",
                    last.epoch(), sc.master(), last.testLoss(), last.testRecon(), last.testKl());
            System.out.println("model: " + r.modelPath());
        }
        return 0;
    }

    /**
     * The Spark configuration vae4j trains with: the master ({@code master}, else spark-submit's, else
     * {@code local[2]}), the executors' JVM flags (Java 17's opened packages, added to any the user set) and one
     * OpenMP thread per executor task (ND4J's element-wise ops, as {@code ./vae4j} sets them).
     */
    public static SparkConf sparkConf(String master) {
        SparkConf conf = new SparkConf().setAppName("vae4j");
        if (master != null) {
            conf.setMaster(master);
        } else {
            conf.setIfMissing("spark.master", "local[2]");
        }
        String user = conf.get("spark.executor.extraJavaOptions", "");
        return conf.set("spark.executor.extraJavaOptions", (user + " " + jvmFlags()).trim())
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
    }

    /** The JVM flags of the build ({@code spark.jvm.flags} in spark/pom.xml). */
    public static String jvmFlags() {
        Properties p = new Properties();
        try (InputStream in = SparkTrainCommand.class.getResourceAsStream("/vae4j-spark.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p.getProperty("jvm.flags", "");
    }
}
