package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.latent.Completion;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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

/** {@code vae4j inpaint}: completes masked test images; metrics against the mean image and a single pass. */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
        description = "Complete the masked pixels of the test images: the model's conditional mean E[x_missing | x_known] "
                + "by importance sampling, and the clamped encode-decode chain (Rezende et al. 2014). "
                + "DIR/inpaint-<mask>.png (rows: input with the mask grey, result of --method, truth) and "
                + "DIR/inpaint-<mask>.json (MSE and Bernoulli log-likelihood on the masked pixels of the whole test split, "
                + "for both methods against the mean training image and a single reconstruction pass).")
public final class InpaintCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--mask", defaultValue = "bottom", paramLabel = "M", description = "bottom, right, random or center (default: ${DEFAULT-VALUE}).")
    String mask;

    @Option(names = "--iterations", defaultValue = "30", paramLabel = "N", description = "Steps of the chain (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--method", defaultValue = "importance", paramLabel = "M", description = "The completion drawn in the PNG: importance (the conditional mean by importance sampling) or chain (default: ${DEFAULT-VALUE}); the JSON has both.")
    String method;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "S", description = "Importance samples of the conditional mean (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--n", defaultValue = "8", paramLabel = "N", description = "Test images in the PNG (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random mask and of both methods' z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/inpaint", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Completion.Mask m;
        try {
            m = Completion.Mask.valueOf(mask.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mask must be bottom, right, random or center, got " + mask);
        }
        if (iterations < 1 || n < 1 || samples < 1) {
            throw new IllegalArgumentException("--iterations, --samples and --n must be >= 1, got " + iterations + ", "
                    + samples + " and " + n);
        }
        String chosen = method.toLowerCase(Locale.ROOT);
        if (!chosen.equals("chain") && !chosen.equals("importance")) {
            throw new IllegalArgumentException("--method must be importance or chain, got " + method);
        }
        ModelArgs.Loaded loaded = model.loadWithImages(data, "inpaint");
        VaeModel vae = loaded.model();
        DataSplit split = loaded.split();
        INDArray x = split.testX();
        int side = ImageGrid.side(split.dimensions());
        int[] labels = split.testLabelArray();
        INDArray known = Completion.knownPixels(m, (int) x.size(0), side, seed).castTo(x.dataType());
        INDArray missing = known.rsub(1.0);
        INDArray mean = split.trainX().mean(true, 0);
        INDArray chain = Completion.inpaint(vae, x, labels, known, mean, iterations, seed);
        INDArray single = Completion.inpaint(vae, x, labels, known, mean, 1, null);
        INDArray importance;
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder()
                .setTaskName("importance samples").setInitialMax(samples).setStyle(ProgressBarStyle.ASCII).build()) {
            importance = Completion.conditionalMean(vae, x, labels, known, mean, samples, seed,
                    bar == null ? null : s -> bar.step());
        }
        INDArray result = chosen.equals("chain") ? chain : importance;
        INDArray meanFill = x.mul(known).addi(missing.mulRowVector(mean));
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, INDArray> results = new LinkedHashMap<>();
        results.put("chain", chain);
        results.put("importance", importance);
        results.put("single_pass", single);
        results.put("mean_image", meanFill);
        for (var e : results.entrySet()) {
            Map<String, Double> scores = new LinkedHashMap<>();
            scores.put("mse", Completion.meanSquaredError(e.getValue(), x, missing));
            scores.put("bernoulli_log_likelihood", Completion.bernoulliLogLikelihood(e.getValue(), x, missing));
            metrics.put(e.getKey(), scores);
        }
        String name = "inpaint-" + m.name().toLowerCase(Locale.ROOT);
        Json.write(out.resolve(name + ".json"), metrics);
        int k = (int) Math.min(n, x.size(0));
        INDArray shown = x.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
        INDArray input = shown.mul(known.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()))
                .addi(missing.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()).mul(0.5));
        ImageGrid.write(Nd4j.vstack(input, result.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()), shown), k,
                out.resolve(name + ".png"));
        System.out.printf(Locale.ROOT, "masked-pixel MSE: chain %.4f, importance %.4f, single pass %.4f, mean image %.4f; wrote %s%n",
                metrics.get("chain").get("mse"), metrics.get("importance").get("mse"), metrics.get("single_pass").get("mse"),
                metrics.get("mean_image").get("mse"), out.resolve(name + ".png"));
        return 0;
    }
}
