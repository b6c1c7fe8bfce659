package io.github.vae4j.train;

import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Each epoch: {@code reconstructions-epochNNN.png} (test inputs over their reconstructions) and
 * {@code samples-epochNNN.png} (decodings of the same 64 prior draws z every epoch, so progress is visible; for a
 * conditional model one row per class, up to 16 classes, of 8 draws each).
 * Does nothing when the data are not square images.
 */
public class ImageListener implements EpochListener {

    private final Path dir;
    private final INDArray testImages;
    private final int[] testLabels;
    private final long sampleSeed;

    /** testLabels: the test set's class labels (used for a conditional model), or null. */
    public ImageListener(Path dir, INDArray testX, int[] testLabels, long sampleSeed) {
        this.dir = dir;
        int n = (int) Math.min(32, testX.size(0));
        this.testImages = testX.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
        this.testLabels = testLabels == null ? null : java.util.Arrays.copyOf(testLabels, n);
        this.sampleSeed = sampleSeed;
    }

    @Override
    public void onEpochEnd(VaeModel model, EpochMetrics m) throws IOException {
        if (ImageGrid.side(model.config().inputSize()) < 0) {
            return;
        }
        String suffix = String.format("-epoch%03d.png", m.epoch());
        writeGrids(model, testImages, testLabels, sampleSeed, dir.resolve("samples" + suffix),
                dir.resolve("reconstructions" + suffix));
    }

    /**
     * The two pictures of a model: 64 samples from the prior (for a conditional model one row of 8 per class, up to
     * 16 classes) and {@code images} above their reconstructions, 8 per row.
     *
     * @param labels the images' classes, for a conditional model (else ignored)
     */
    public static void writeGrids(VaeModel model, INDArray images, int[] labels, long sampleSeed, Path samples,
            Path reconstructions) throws IOException {
        if (model.conditional()) {
            ImageGrid.writeComparison(images, model.reconstruct(images, model.oneHot(labels)), 8, reconstructions);
            ImageGrid.write(model.generate(classGrid(Math.min(model.classes(), 16), 8), sampleSeed), 8, samples);
        } else {
            ImageGrid.writeComparison(images, model.reconstruct(images), 8, reconstructions);
            ImageGrid.write(model.generate(64, sampleSeed), 8, samples);
        }
    }

    /** Labels for a grid of one row per class: {@code perClass} copies of 0, then of 1, ... */
    public static int[] classGrid(int classes, int perClass) {
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / perClass;
        }
        return labels;
    }

}
