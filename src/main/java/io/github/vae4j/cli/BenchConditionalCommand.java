package io.github.vae4j.cli;

import io.github.vae4j.bench.ConditionalBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vae4j bench-conditional}: how often a conditional model's samples are the class asked for, judged by a
 * classifier trained on the data's training split.
 */
@Command(name = "bench-conditional", mixinStandardHelpOptions = true,
        description = "Generate N samples per class from a conditional model and report the share a CNN classifier "
                + "(trained here on the data's training split, never the test split) labels as the requested class.")
public final class BenchConditionalCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--n", defaultValue = "1000", paramLabel = "N", description = "Samples per class (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--classifier-epochs", defaultValue = "3", paramLabel = "N",
            description = "Epochs of the classifier on the training split (default: ${DEFAULT-VALUE}).")
    int classifierEpochs;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the classifier and the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/bench-conditional", paramLabel = "DIR",
            description = "Output directory: report.json, report.md and one PNG grid per class (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || classifierEpochs < 1) {
            throw new IllegalArgumentException("--n and --classifier-epochs must be >= 1, got n=" + n
                    + " classifier-epochs=" + classifierEpochs);
        }
        ModelArgs.Loaded loaded = model.loadWithData(data);
        ConditionalBenchmark.Report r = ConditionalBenchmark.run(loaded.model(), loaded.split(), n, classifierEpochs,
                seed);
        Json.write(out.resolve("report.json"), r);
        io.github.vae4j.util.AtomicFiles.writeString(out.resolve("report.md"), r.markdown());
        for (int c = 0; c < loaded.model().classes(); c++) {
            // the first samples of class c that the benchmark scored (same seed, same z rows)
            int[] labels = new int[Math.min(64, n)];
            java.util.Arrays.fill(labels, c);
            io.github.vae4j.viz.ImageGrid.write(loaded.model().generate(labels,
                    ConditionalBenchmark.sampleSeed(seed, c, n, 0)), 8, out.resolve("class-" + c + ".png"));
        }
        System.out.print(r.markdown());
        System.out.println("wrote " + out);
        return 0;
    }
}
