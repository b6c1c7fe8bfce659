package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.LatentSpace;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vae4j traverse}: each latent dimension swept around a test image's code, sorted by KL. */
@Command(name = "traverse", mixinStandardHelpOptions = true,
        description = "Sweep each latent dimension from -range to +range around a test image's code, the others "
                + "fixed: one row per dimension, sorted by mean KL over the test set, inactive ones marked red "
                + "(DIR/traverse.png; DIR/traverse.csv lists the rows).")
public final class TraverseCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--index", defaultValue = "0", paramLabel = "I", description = "Test image whose code is the base (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--steps", defaultValue = "11", paramLabel = "N", description = "Values per dimension (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--range", defaultValue = "3", paramLabel = "X", description = "Sweep from -X to +X (default: ${DEFAULT-VALUE}).")
    double range;

    @Option(names = "--out", defaultValue = "runs/traverse", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelArgs.Loaded loaded = model.loadWithImages(data, "traverse");
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        int n = (int) split.testX().size(0);
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("test image index " + index + " is outside [0, " + (n - 1) + "]");
        }
        int[] labels = split.testLabelArray();
        LatentSpace.Traversal t = new LatentSpace(m).traverse(split.testX().getRow(index, true),
                labels == null ? 0 : labels[index], split.testX(), labels, steps, range);
        boolean[] inactive = new boolean[t.order().length];
        StringBuilder csv = new StringBuilder("row,dimension,kl,active\n");
        for (int r = 0; r < t.order().length; r++) {
            int j = t.order()[r];
            inactive[r] = !t.active()[j];
            csv.append(String.format(Locale.ROOT, "%d,%d,%.6g,%b%n", r, j + 1, t.kl()[j], t.active()[j]));
        }
        ImageGrid.writeMarked(t.images(), steps, inactive, out.resolve("traverse.png"));
        io.github.vae4j.util.AtomicFiles.writeString(out.resolve("traverse.csv"), csv);
        long active = t.order().length - java.util.stream.IntStream.range(0, inactive.length).filter(r -> inactive[r]).count();
        System.out.println("wrote " + t.order().length + " dimensions (" + active + " active) to " + out.resolve("traverse.png"));
        return 0;
    }
}
