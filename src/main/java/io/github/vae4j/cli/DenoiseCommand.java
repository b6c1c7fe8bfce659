package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.Completion;
import io.github.vae4j.model.VaeModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vae4j denoise}: cleans corrupted test images; metrics against the noisy input and the mean image. */
@Command(name = "denoise", mixinStandardHelpOptions = true,
        description = "Corrupt the test images (salt-and-pepper or Gaussian noise) and clean them with one encode-decode "
                + "pass: DIR/denoise-<noise>.png (rows: noisy, result, truth) and DIR/denoise-<noise>.json (MSE and "
                + "Bernoulli log-likelihood against the truth, beside the noisy input and the mean training image).")
public final class DenoiseCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--noise", defaultValue = "salt_and_pepper", paramLabel = "KIND", description = "salt_and_pepper or gaussian (default: ${DEFAULT-VALUE}).")
    String noise;

    @Option(names = "--level", defaultValue = "0.2", paramLabel = "X", description = "Share of pixels flipped, or the Gaussian sd (default: ${DEFAULT-VALUE}).")
    double level;

    @Option(names = "--n", defaultValue = "8", paramLabel = "N", description = "Test images in the PNG (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/denoise", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Completion.Noise kind;
        try {
            kind = Completion.Noise.valueOf(noise.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--noise must be salt_and_pepper or gaussian, got " + noise);
        }
        if (n < 1) {
            throw new IllegalArgumentException("--n must be >= 1, got " + n);
        }
        ModelArgs.Loaded loaded = model.loadWithImages(data, "denoise");
        VaeModel vae = loaded.model();
        DataSplit split = loaded.split();
        INDArray x = split.testX();
        INDArray noisy = Completion.corrupt(x, kind, level, seed);
        INDArray result = Completion.denoise(vae, noisy, split.testLabelArray());
        INDArray mean = Nd4j.repeat(split.trainX().mean(true, 0), (int) x.size(0)).reshape(x.shape());
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, INDArray> results = new LinkedHashMap<>();
        results.put("denoised", result);
        results.put("noisy", noisy);
        results.put("mean_image", mean);
        for (var e : results.entrySet()) {
            Map<String, Double> scores = new LinkedHashMap<>();
            scores.put("mse", Completion.meanSquaredError(e.getValue(), x, null));
            scores.put("bernoulli_log_likelihood", Completion.bernoulliLogLikelihood(e.getValue(), x, null));
            metrics.put(e.getKey(), scores);
        }
        String name = "denoise-" + kind.name().toLowerCase(Locale.ROOT);
        Json.write(out.resolve(name + ".json"), metrics);
        int k = (int) Math.min(n, x.size(0));
        io.github.vae4j.viz.ImageGrid.write(Nd4j.vstack(noisy.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()),
                result.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()),
                x.get(NDArrayIndex.interval(0, k), NDArrayIndex.all())), k, out.resolve(name + ".png"));
        System.out.printf(Locale.ROOT, "MSE: denoised %.4f, noisy %.4f, mean image %.4f; wrote %s%n",
                metrics.get("denoised").get("mse"), metrics.get("noisy").get("mse"), metrics.get("mean_image").get("mse"),
                out.resolve(name + ".png"));
        return 0;
    }
}
