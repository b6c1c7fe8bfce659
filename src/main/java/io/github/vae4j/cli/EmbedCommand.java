package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.LatentSpace;
import io.github.vae4j.model.VaeModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vae4j embed}: the posterior of every example of a data set as CSV. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write DIR/embeddings.csv: index, label, mu_1..mu_d, logvar_1..logvar_d of every example of a "
                + "data set's split.")
public final class EmbedCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--split", defaultValue = "test", paramLabel = "S", description = "test, train or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", defaultValue = "runs/embed", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelArgs.Loaded loaded = model.loadWithData(data);
        VaeModel m = loaded.model();
        DataSplit s = loaded.split();
        INDArray x;
        int[] labels;
        switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> {
                x = s.testX();
                labels = s.testLabelArray();
            }
            case "train" -> {
                x = s.trainX();
                labels = s.trainLabelArray();
            }
            case "all" -> {
                x = Nd4j.vstack(s.trainX(), s.testX());
                labels = s.labelled() ? concat(s.trainLabelArray(), s.testLabelArray()) : null;
            }
            default -> throw new IllegalArgumentException("--split must be test, train or all, got " + split);
        }
        Path file = out.resolve("embeddings.csv");
        new LatentSpace(m).writeEmbeddings(x, labels, file);
        System.out.println("wrote " + x.size(0) + " embeddings of " + m.latentSize() + " dimensions to " + file);
        return 0;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
