package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.LatentSpace;
import io.github.vae4j.latent.PrincipalAxes;
import io.github.vae4j.latent.Tsne;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.util.Seeds;
import io.github.vae4j.viz.ScatterPlot;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code vae4j scatter}: the test set's posterior means in 2-D, by PCA and by t-SNE, coloured by label. */
@Command(name = "scatter", mixinStandardHelpOptions = true,
        description = "Project the test set's posterior means mu to 2-D with PCA (all points) and t-SNE (a seeded "
                + "subsample), coloured by label: DIR/scatter-pca.png and DIR/scatter-tsne.png.")
public final class ScatterCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--tsne-points", defaultValue = "1000", paramLabel = "N",
            description = "Points t-SNE embeds (a seeded subsample; exact t-SNE is O(N²) per iteration) (default: ${DEFAULT-VALUE}).")
    int tsnePoints;

    @Option(names = "--perplexity", defaultValue = "30", paramLabel = "X", description = "t-SNE perplexity (default: ${DEFAULT-VALUE}).")
    double perplexity;

    @Option(names = "--iterations", defaultValue = "1000", paramLabel = "N", description = "t-SNE iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the subsample and of t-SNE (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/scatter", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (tsnePoints < 10) {
            throw new IllegalArgumentException("--tsne-points must be >= 10, got " + tsnePoints);
        }
        Tsne tsne = new Tsne(perplexity, iterations, seed);
        ModelArgs.Loaded loaded = model.loadWithData(data);
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        if (m.latentSize() < 2) {
            throw new IllegalArgumentException("scatter needs a latent of at least 2 dimensions, got " + m.latentSize());
        }
        int[] labels = split.testLabelArray();
        double[][] mu = new LatentSpace(m).encode(split.testX(), labels).mu().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] pca = PrincipalAxes.of(mu, 2).project(mu);
        ScatterPlot.write(pca, labels, "posterior means, PCA (" + mu.length + " test examples)", out.resolve("scatter-pca.png"));

        int n = Math.min(tsnePoints, mu.length);
        int[] rows = io.github.vae4j.data.Permutations.shuffled(mu.length, new Random(Seeds.derive(seed, Seeds.Stream.SELECTION, 1)));
        double[][] sub = new double[n][];
        int[] subLabels = labels == null ? null : new int[n];
        for (int i = 0; i < n; i++) {
            sub[i] = mu[rows[i]];
            if (subLabels != null) {
                subLabels[i] = labels[rows[i]];
            }
        }
        double[][] embedded;
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("t-SNE")
                .setInitialMax(iterations).setStyle(ProgressBarStyle.ASCII).build()) {
            embedded = tsne.embed(sub, bar == null ? null : it -> bar.step());
        }
        ScatterPlot.write(embedded, subLabels, "posterior means, t-SNE (" + n + " test examples, perplexity "
                + perplexity + ")", out.resolve("scatter-tsne.png"));
        System.out.println("wrote " + out.resolve("scatter-pca.png") + " and " + out.resolve("scatter-tsne.png"));
        return 0;
    }
}
