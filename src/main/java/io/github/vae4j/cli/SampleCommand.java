package io.github.vae4j.cli;

import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vae4j sample}: decodes z ~ N(0, I) into a PNG grid. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate new examples from the prior into a PNG grid.")
public final class SampleCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Option(names = "--n", defaultValue = "64", paramLabel = "N", description = "Number of samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of z (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cols", defaultValue = "8", paramLabel = "N", description = "Grid columns (default: ${DEFAULT-VALUE}).")
    int cols;

    @Option(names = "--out", defaultValue = "runs/sample/samples.png", paramLabel = "FILE", description = "Output PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--label", paramLabel = "L",
            description = "Conditional models: the class to sample (--n samples of it), or 'all' for one row of --cols "
                    + "samples per class (default: all).")
    String label;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || cols < 1) {
            throw new IllegalArgumentException("--n and --cols must be >= 1, got n=" + n + " cols=" + cols);
        }
        VaeModel m = model.load();
        if (ImageGrid.side(m.config().inputSize()) < 0) {
            throw new IllegalArgumentException("model " + model.model + " has " + m.config().inputSize()
                    + " inputs, which are not square images; sample draws images");
        }
        if (!m.conditional()) {
            if (label != null) {
                throw new IllegalArgumentException("--label " + label + " needs a conditional model; " + model.model
                        + " is not one");
            }
            ImageGrid.write(m.generate(n, seed), cols, out);
            System.out.println("wrote " + n + " samples to " + out);
            return 0;
        }
        int[] labels = GenerateCommand.labels(label, m, n, cols);
        ImageGrid.write(m.generate(labels, seed), cols, out);
        System.out.println("wrote " + labels.length + " samples to " + out
                + (label == null || label.equalsIgnoreCase("all") ? " (one row per class)" : " of class " + label));
        return 0;
    }
}
