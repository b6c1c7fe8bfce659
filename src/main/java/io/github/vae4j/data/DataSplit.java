package io.github.vae4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

import java.util.List;

/**
 * A loaded data set, normalized and split.
 *
 * @param id          data set id as given ("mnist10k", "fashion", "idx:/dir", "csv:/file.csv")
 * @param sha256      SHA-256 over the source files' bytes, in a fixed order
 * @param shape       the shape of one example: [channels, height, width] for images, [d] for table rows
 * @param trainX      [n, d] training features, normalized (pixels in [0, 1])
 * @param trainLabels [n] class labels, or null when the data has none
 * @param testX       [m, d] test features
 * @param testLabels  [m] class labels, or null
 * @param normalizer  the normalizer fitted on the training data (CSV), or null when the data needs none (pixels,
 *                    scaled by a fixed 1/255)
 */
public record DataSplit(String id, String sha256, List<Integer> shape, INDArray trainX, INDArray trainLabels, INDArray testX,
                        INDArray testLabels, DataNormalization normalizer) {

    public DataSplit {
        shape = List.copyOf(shape);
        long size = shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
        if (size != trainX.size(1)) {
            throw new IllegalArgumentException("data set " + id + ": shape " + shape + " has " + size
                    + " values but the rows have " + trainX.size(1));
        }
    }

    public long dimensions() {
        return trainX.size(1);
    }

    /** Whether the data has class labels (train and test). */
    public boolean labelled() {
        return trainLabels != null && testLabels != null;
    }

    /**
     * The number of classes: one more than the largest label of the training and test data; 0 for data without
     * labels. A negative label is an error naming it.
     */
    public int classes() {
        if (!labelled()) {
            return 0;
        }
        int min = Math.min(trainLabels.minNumber().intValue(), testLabels.minNumber().intValue());
        if (min < 0) {
            throw new DataFormatException("data set " + id + " has the label " + min + "; class labels are 0, 1, 2, ...");
        }
        return Math.max(trainLabels.maxNumber().intValue(), testLabels.maxNumber().intValue()) + 1;
    }

    /** The training labels as Java ints (null without labels). */
    public int[] trainLabelArray() {
        return trainLabels == null ? null : trainLabels.toIntVector();
    }

    /** The test labels as Java ints (null without labels). */
    public int[] testLabelArray() {
        return testLabels == null ? null : testLabels.toIntVector();
    }

    /**
     * This data set with class d removed from its training split (the test split keeps every class): the training
     * data of a model whose anomalies are that class.
     */
    public DataSplit withoutClass(int d) {
        int[] labels = trainLabelArray();
        if (labels == null) {
            throw new IllegalArgumentException("data set " + id + " has no labels; cannot remove class " + d);
        }
        int[] keep = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != d).toArray();
        INDArray x = org.nd4j.linalg.factory.Nd4j.pullRows(trainX, 1, keep);
        INDArray y = org.nd4j.linalg.factory.Nd4j.pullRows(trainLabels.reshape(labels.length, 1), 1, keep).reshape(keep.length);
        return new DataSplit(id + "-without-" + d, sha256, shape, x, y, testX, testLabels, normalizer);
    }
}
