package io.github.vae4j.train;

import io.github.vae4j.model.VaeModel;
import io.github.vae4j.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Each epoch: {@code reconstructions-epochNNN.png} (test inputs over their reconstructions) and
 * {@code samples-epochNNN.png} (decodings of the same 64 prior draws z every epoch, so progress is visible).
 * Does nothing when the data are not square images.
 */
public class ImageListener implements EpochListener {

    private final Path dir;
    private final INDArray testImages;
    private final long sampleSeed;

    public ImageListener(Path dir, INDArray testX, long sampleSeed) {
        this.dir = dir;
        this.testImages = testX.get(NDArrayIndex.interval(0, Math.min(32, testX.size(0))), NDArrayIndex.all()).dup();
        this.sampleSeed = sampleSeed;
    }

    @Override
    public void onEpochEnd(VaeModel model, EpochMetrics m) throws IOException {
        if (ImageGrid.side(model.config().inputSize()) < 0) {
            return;
        }
        String suffix = String.format("-epoch%03d.png", m.epoch());
        ImageGrid.writeComparison(testImages, model.reconstruct(testImages), 8, dir.resolve("reconstructions" + suffix));
        ImageGrid.write(model.generate(64, sampleSeed), 8, dir.resolve("samples" + suffix));
    }

}
