package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.AnomalyScores;
import io.github.vae4j.model.VaeModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vae4j anomaly}: per-example anomaly scores of a data set's test split. */
@Command(name = "anomaly", mixinStandardHelpOptions = true,
        description = "Score every test example (higher = more anomalous): neg_elbo, neg_log_px (importance-sampled), "
                + "recon_prob (An & Cho 2015), complexity_corrected (Serra et al. 2020), latent_knn and latent_cosine_knn "
                + "(mean squared Euclidean and cosine distance of mu(x) to its 5 nearest training posterior means; the "
                + "training split is the normal reference). "
                + "Writes DIR/scores.csv.")
public final class AnomalyCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--k", defaultValue = "100", paramLabel = "K", description = "Importance samples for neg_log_px (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/anomaly", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be >= 1, got " + k);
        }
        ModelArgs.Loaded loaded = model.loadWithData(data);
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        int[] labels = split.testLabelArray();
        AnomalyScores scores = AnomalyScores.compute(m.joint(), m.jointInput(split.testX(), labels), split.testX(),
                m.jointInput(split.trainX(), split.trainLabelArray()), k, seed);
        scores.writeCsv(out.resolve("scores.csv"), labels);
        System.out.println("wrote " + split.testX().size(0) + " examples' scores to " + out.resolve("scores.csv"));
        return 0;
    }
}
