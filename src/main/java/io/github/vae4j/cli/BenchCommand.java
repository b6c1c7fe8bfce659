package io.github.vae4j.cli;

import io.github.vae4j.bench.BenchmarkReport;
import io.github.vae4j.bench.GemmBenchmark;
import io.github.vae4j.bench.PytorchPeer;
import io.github.vae4j.bench.TrainingBenchmark;
import io.github.vae4j.bench.UpdaterBenchmark;
import io.github.vae4j.engine.OnePassAdam;
import org.nd4j.linalg.learning.config.Adam;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.train.VaeTrainer;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vae4j bench}: vae4j against DL4J's built-in VariationalAutoencoder layer or against the same graph built from
 * DL4J's stock layers, and against PyTorch when it is installed, plus the machine's SGEMM rates.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark vae4j against a baseline (same data, model, minibatches) and PyTorch (same data, "
                + "model, batch size, optimizer; its own shuffling), epochs alternating in rounds: throughput, share of SGEMM peak, epoch-time drift, test -ELBO, importance-sampled log p(x), "
                + "peak resident memory. Baselines: DL4J's built-in VariationalAutoencoder layer (dense models) or the "
                + "same graph from DL4J's stock layers. Prints a Markdown table and writes JSON.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Model preset (configs/*.json); default: the reference MLP.")
    Path config;

    @Option(names = "--baseline", paramLabel = "B",
            description = "builtin (DL4J's VariationalAutoencoder layer, dense Bernoulli models), stock (the same graph "
                    + "from DL4J's stock layers) or none (vae4j alone in its JVM, against PyTorch); default: builtin "
                    + "where it applies, else stock.")
    TrainingBenchmark.Baseline baseline;

    @Option(names = "--datasets", split = ",", defaultValue = "mnist10k,fashion", paramLabel = "SET",
            description = "Data sets, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> datasets;

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Epochs per trainer (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--k", defaultValue = "1000", paramLabel = "K", description = "Importance samples per test example (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--elbo-samples", defaultValue = "10", paramLabel = "N", description = "z draws per test example for the -ELBO (default: ${DEFAULT-VALUE}).")
    int elboSamples;

    @Option(names = "--max-batches", defaultValue = "0", paramLabel = "N", description = "Cap batches per epoch, for smoke runs; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(names = "--gemm-seconds", defaultValue = "0.5", paramLabel = "S", description = "Seconds per measured SGEMM shape and per updater (default: ${DEFAULT-VALUE}).")
    double gemmSeconds;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of both models, their batches and draws (default: the reference config's, 42); "
                    + "run several to see the run-to-run spread.")
    Long seed;

    @Option(names = "--no-pytorch", description = "Leave PyTorch out of the rotation.")
    boolean noPytorch;

    @Option(names = "--python", paramLabel = "CMD",
            description = "Python with PyTorch (default: /usr/bin/python3, Debian's python3-torch).")
    String python;

    @Option(names = "--out", defaultValue = "runs/bench/bench.json", paramLabel = "FILE", description = "JSON output (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the Markdown report to FILE.")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        VaeConfig preset = this.config == null ? VaeConfig.defaults() : VaeConfig.load(this.config);
        VaeConfig config = seed == null ? preset : preset.withOverrides(java.util.Map.of("seed", seed));
        if (config.conditional()) {
            throw new IllegalArgumentException("bench measures unconditional models against their baselines; for a "
                    + "conditional model use vae4j bench-conditional");
        }
        TrainingBenchmark.Settings settings = new TrainingBenchmark.Settings(epochs, k, elboSamples, maxBatches);
        if (!(gemmSeconds > 0)) {
            throw new IllegalArgumentException("--gemm-seconds must be > 0, got " + gemmSeconds);
        }
        List<DataSplit> splits = new ArrayList<>();
        for (String d : datasets) {
            DataSplit s = DataSets.load(d, data.options(config.seed()));
            splits.add(s);
        }
        VaeConfig shaped = VaeTrainer.forData(config, splits.get(0));
        TrainingBenchmark.Baseline against = baseline != null ? baseline : TrainingBenchmark.Baseline.defaultFor(shaped);
        GemmBenchmark.Result square = GemmBenchmark.measure(1024, 1024, 1024, gemmSeconds);
        List<GemmBenchmark.Result> step = shaped.architecture().convolutional() ? List.of()
                : GemmBenchmark.trainingStep(config.batchSize(), TrainingBenchmark.denseProducts(shaped.architecture()),
                        gemmSeconds);
        long parameters = shaped.architecture().parameters();
        List<UpdaterBenchmark.Result> updaters = List.of(
                UpdaterBenchmark.measure(new Adam(config.learningRate()), parameters, gemmSeconds),
                UpdaterBenchmark.measure(new OnePassAdam(config.learningRate()), parameters, gemmSeconds));
        List<TrainingBenchmark.DataReport> reports = new ArrayList<>();
        for (DataSplit s : splits) {
            reports.add(TrainingBenchmark.run(s, config, settings, against,
                    noPytorch ? null : python != null ? python : PytorchPeer.defaultPython()));
        }
        BenchmarkReport report = BenchmarkReport.of(shaped, settings, square, step, updaters, reports);
        String md = report.markdown();
        System.out.println(md);
        Json.write(out, report);
        System.out.println("wrote " + out);
        if (markdown != null) {
            io.github.vae4j.util.AtomicFiles.writeString(markdown, md);
            System.out.println("wrote " + markdown);
        }
        return 0;
    }
}
