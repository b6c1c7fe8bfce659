package io.github.vae4j.spark;

import io.github.vae4j.data.ClassLabels;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.ShuffledBatchIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One epoch of training batches as an RDD whose elements are built on the executors: the driver ships only each
 * batch's row numbers (a permutation of the training rows seeded per epoch from the config's seed), and each executor reads the data set itself ({@link DataRef#read}) and gathers the rows. A batch is
 * (x, x) for an unconditional model and ([x, one-hot y], x) for a conditional one.
 */
final class ExecutorBatches {

    private ExecutorBatches() {
    }

    /** Row numbers of each batch of epoch {@code epoch}: a permutation seeded by (seed, epoch), cut into batches. */
    static List<int[]> batchRows(long trainRows, int batchSize, long seed, int epoch) {
        int[] order = ShuffledBatchIterator.epochOrder(Math.toIntExact(trainRows), seed, epoch);
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            batches.add(Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize)));
        }
        return batches;
    }

    static JavaRDD<DataSet> unconditional(JavaSparkContext sc, DataRef data, List<int[]> batches, int partitions) {
        return sc.parallelize(batches, partitions).map(new Gather(data));
    }

    static JavaRDD<org.nd4j.linalg.dataset.api.MultiDataSet> conditional(JavaSparkContext sc, DataRef data,
            List<int[]> batches, int partitions, int classes) {
        return sc.parallelize(batches, partitions).map(new GatherConditioned(data, classes));
    }

    private record Gather(DataRef data) implements Function<int[], DataSet> {
        @Override
        public DataSet call(int[] rows) {
            INDArray x = Nd4j.pullRows(data.read().trainX(), 1, rows);
            return new DataSet(x, x);
        }
    }

    private record GatherConditioned(DataRef data, int classes)
            implements Function<int[], org.nd4j.linalg.dataset.api.MultiDataSet> {
        @Override
        public org.nd4j.linalg.dataset.api.MultiDataSet call(int[] rows) {
            DataSplit split = data.read();
            INDArray x = Nd4j.pullRows(split.trainX(), 1, rows);
            int[] labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                labels[i] = split.trainLabels().getInt(rows[i]);
            }
            INDArray y = ClassLabels.oneHot(labels, classes, x.dataType(), 'c');
            return new MultiDataSet(new INDArray[] {x, y}, new INDArray[] {x});
        }
    }
}
