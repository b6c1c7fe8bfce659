package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vae4j reconstruct}: test images over their reconstructions, as a PNG grid. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Reconstruct test examples of a data set; writes originals over reconstructions as a PNG grid.")
public final class ReconstructCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--n", defaultValue = "32", paramLabel = "N", description = "Test examples to show (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", defaultValue = "runs/reconstruct/reconstructions.png", paramLabel = "FILE", description = "Output PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelArgs.Loaded loaded = model.loadWithImages(data, "reconstruct");
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        long k = Math.min(Math.max(n, 1), split.testX().size(0));
        INDArray x = split.testX().get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
        INDArray y = m.conditional() ? m.oneHot(java.util.Arrays.copyOf(split.testLabelArray(), (int) k)) : null;
        ImageGrid.writeComparison(x, m.reconstruct(x, y), 8, out);
        System.out.println("wrote " + k + " originals and reconstructions to " + out);
        return 0;
    }
}
