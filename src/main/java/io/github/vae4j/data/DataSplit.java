package io.github.vae4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * A loaded data set, normalized and split.
 *
 * @param id          data set id as given ("mnist10k", "fashion", "idx:/dir", "csv:/file.csv")
 * @param sha256      SHA-256 over the source files' bytes, in a fixed order
 * @param trainX      [n, d] training features, normalized (pixels in [0, 1])
 * @param trainLabels [n] class labels, or null when the data has none
 * @param testX       [m, d] test features
 * @param testLabels  [m] class labels, or null
 * @param normalizer  the normalizer fitted on the training data (CSV), or null when the data needs none (pixels,
 *                    scaled by a fixed 1/255)
 */
public record DataSplit(String id, String sha256, INDArray trainX, INDArray trainLabels, INDArray testX,
                        INDArray testLabels, DataNormalization normalizer) {

    public long dimensions() {
        return trainX.size(1);
    }
}
