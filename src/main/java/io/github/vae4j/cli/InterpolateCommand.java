package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.LatentSpace;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.util.Seeds;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code vae4j interpolate}: decoded paths in z between pairs of test images, linear and spherical. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Decode paths in z between pairs of test images (two given by index, or random pairs): one row "
                + "per pair, from the first image's code to the second's, in DIR/interpolate-linear.png and "
                + "DIR/interpolate-slerp.png.")
public final class InterpolateCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--a", paramLabel = "I", description = "Index of the first test image (with --b); default: random pairs.")
    Integer a;

    @Option(names = "--b", paramLabel = "J", description = "Index of the second test image.")
    Integer b;

    @Option(names = "--pairs", defaultValue = "8", paramLabel = "N", description = "Random pairs without --a/--b (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Points per path, ends included (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--path", defaultValue = "both", paramLabel = "KIND", description = "linear, slerp or both (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random pairs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/interpolate", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<LatentSpace.PathKind> kinds = switch (path.toLowerCase(Locale.ROOT)) {
            case "linear" -> List.of(LatentSpace.PathKind.LINEAR);
            case "slerp" -> List.of(LatentSpace.PathKind.SLERP);
            case "both" -> List.of(LatentSpace.PathKind.LINEAR, LatentSpace.PathKind.SLERP);
            default -> throw new IllegalArgumentException("--path must be linear, slerp or both, got " + path);
        };
        if (steps < 2 || pairs < 1 || (a == null) != (b == null)) {
            throw new IllegalArgumentException("--steps must be >= 2, --pairs >= 1, and --a and --b go together; got "
                    + "steps=" + steps + " pairs=" + pairs + " a=" + a + " b=" + b);
        }
        ModelArgs.Loaded loaded = model.loadWithImages(data, "interpolate");
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        int n = (int) split.testX().size(0);
        List<int[]> ends = new ArrayList<>();
        if (a != null) {
            for (int i : new int[] {a, b}) {
                if (i < 0 || i >= n) {
                    throw new IllegalArgumentException("test image index " + i + " is outside [0, " + (n - 1) + "]");
                }
            }
            ends.add(new int[] {a, b});
        } else {
            Random rng = new Random(Seeds.derive(seed, Seeds.Stream.SELECTION, 0));
            for (int p = 0; p < pairs; p++) {
                ends.add(new int[] {rng.nextInt(n), rng.nextInt(n)});
            }
        }
        int[] labels = split.testLabelArray();
        LatentSpace space = new LatentSpace(m);
        for (LatentSpace.PathKind kind : kinds) {
            INDArray[] rows = new INDArray[ends.size()];
            for (int p = 0; p < rows.length; p++) {
                int i = ends.get(p)[0];
                int j = ends.get(p)[1];
                rows[p] = space.interpolate(split.testX().getRow(i, true), labels == null ? 0 : labels[i],
                        split.testX().getRow(j, true), labels == null ? 0 : labels[j], steps, kind);
            }
            Path file = out.resolve("interpolate-" + kind.name().toLowerCase(Locale.ROOT) + ".png");
            ImageGrid.write(Nd4j.vstack(rows), steps, file);
            System.out.println("wrote " + rows.length + " " + kind.name().toLowerCase(Locale.ROOT) + " path(s) to " + file);
        }
        return 0;
    }
}
