package io.github.vae4j.cli;

import io.github.vae4j.data.IdxWriter;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.ImageListener;
import io.github.vae4j.util.Seeds;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code vae4j generate}: N new examples as IDX files (which {@code train --data idx:DIR} reads back, e.g. as
 * augmented data) and a PNG grid.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate N examples from the prior into DIR/generated-images-idx3-ubyte (and, for a conditional "
                + "model, DIR/generated-labels-idx1-ubyte) plus DIR/generated.png.")
public final class GenerateCommand implements Callable<Integer> {

    static final String IMAGES = "generated-images-idx3-ubyte";
    static final String LABELS = "generated-labels-idx1-ubyte";
    static final String GRID = "generated.png";
    private static final int BATCH = 1000;

    @Mixin
    ModelArgs model = new ModelArgs();

    @Option(names = "--n", defaultValue = "1000", paramLabel = "N", description = "Examples to generate (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--label", paramLabel = "D",
            description = "Conditional models: the class of every example; without it the classes are drawn uniformly.")
    Integer label;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of z and of the drawn labels (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/generate", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw new IllegalArgumentException("--n must be >= 1, got " + n);
        }
        VaeModel m = model.load();
        List<Integer> shape = m.config().inputShape();
        int side = ImageGrid.side(m.config().inputSize());
        if (side < 0 || (shape.size() == 3 && shape.get(0) != 1) || m.normalizer().isPresent()) {
            throw new IllegalArgumentException("model " + model.model + " takes examples of shape " + shape
                    + (m.normalizer().isPresent() ? " with a fitted normalizer" : "")
                    + "; generate writes IDX images, which need square one-channel pixels in [0, 1]");
        }
        if (label != null && !m.conditional()) {
            throw new IllegalArgumentException("--label " + label + " needs a conditional model; " + model.model
                    + " is not one");
        }
        int[] labels = null;
        if (m.conditional()) {
            labels = new int[n];
            Random rng = new Random(Seeds.derive(seed, Seeds.Stream.SAMPLE_LABELS, 0));
            for (int i = 0; i < n; i++) {
                labels[i] = label != null ? label : rng.nextInt(m.classes());
            }
            m.oneHot(new int[] {labels[0]}); // a label outside the model's classes fails here, before any work
        }
        INDArray images = generate(m, labels, n, seed);
        IdxWriter.writeImages(out.resolve(IMAGES), images, side, side);
        if (labels != null) {
            IdxWriter.writeLabels(out.resolve(LABELS), labels);
        } else {
            // a labels file of an earlier run would be read back beside these images
            Files.deleteIfExists(out.resolve(LABELS));
        }
        ImageGrid.write(images.get(NDArrayIndex.interval(0, Math.min(n, 64)), NDArrayIndex.all()), 8, out.resolve(GRID));
        System.out.printf(Locale.ROOT, "wrote %d examples%s to %s%n", n,
                labels == null ? "" : label != null ? " of class " + label : " with uniformly drawn classes", out);
        return 0;
    }

    /** n examples in batches (each batch's z from its own derived seed), conditioned on the labels when given. */
    static INDArray generate(VaeModel m, int[] labels, int n, long seed) {
        INDArray[] parts = new INDArray[(n + BATCH - 1) / BATCH];
        for (int b = 0; b < parts.length; b++) {
            int from = b * BATCH;
            int to = Math.min(n, from + BATCH);
            long s = Seeds.derive(seed, Seeds.Stream.SAMPLES, from);
            parts[b] = labels == null ? m.generate(to - from, s)
                    : m.generate(java.util.Arrays.copyOfRange(labels, from, to), s);
        }
        return parts.length == 1 ? parts[0] : org.nd4j.linalg.factory.Nd4j.vstack(parts);
    }

    /**
     * The labels of a sample grid of a conditional model: {@code label} null or "all" gives one row of {@code cols}
     * per class, a class index gives {@code n} of that class; anything else is an error naming it.
     */
    static int[] labels(String label, VaeModel m, int n, int cols) {
        if (label == null || label.equalsIgnoreCase("all")) {
            return ImageListener.classGrid(m.classes(), cols);
        }
        int d;
        try {
            d = Integer.parseInt(label.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--label must be a class index 0.." + (m.classes() - 1) + " or 'all', got "
                    + label);
        }
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, d);
        m.oneHot(new int[] {d});
        return labels;
    }
}
