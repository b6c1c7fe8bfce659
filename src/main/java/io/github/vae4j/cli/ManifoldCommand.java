package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.LatentSpace;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vae4j manifold}: the decoder over a grid of codes through the Gaussian inverse CDF. */
@Command(name = "manifold", mixinStandardHelpOptions = true,
        description = "Decode a side x side grid of codes through the Gaussian inverse CDF (Kingma & Welling 2014, "
                + "Fig. 4): the latent itself when it has 2 dimensions, else the two principal directions of the test "
                + "set's posterior means. Writes DIR/manifold.png.")
public final class ManifoldCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--side", defaultValue = "20", paramLabel = "N", description = "Grid side (default: ${DEFAULT-VALUE}).")
    int side;

    @Option(names = "--label", defaultValue = "0", paramLabel = "D", description = "Conditional models: the class every code is decoded with (default: ${DEFAULT-VALUE}).")
    int label;

    @Option(names = "--out", defaultValue = "runs/manifold", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (side < 2) {
            throw new IllegalArgumentException("--side must be >= 2, got " + side);
        }
        ModelArgs.Loaded loaded = model.loadWithImages(data, "manifold");
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        Path file = out.resolve("manifold.png");
        ImageGrid.write(new LatentSpace(m).manifold(side, split.testX(), split.testLabelArray(), label), side, file);
        System.out.println("wrote a " + side + "x" + side + " manifold" + (m.latentSize() == 2 ? "" : " along the two "
                + "principal directions of the test codes") + " to " + file);
        return 0;
    }
}
