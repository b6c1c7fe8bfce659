package io.github.vae4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShuffledBatchIteratorTest {

    /** Row i of the features holds i in its first column (and other values elsewhere), so a batch names its rows. */
    private static INDArray numbered(int n, int d, DataType type) {
        INDArray x = Nd4j.rand(type, n, d);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, i);
        }
        return x;
    }

    /**
     * Every epoch serves every row once, as 'f'-order batches equal to ND4J's pullRows of the same rows (the Java copy
     * for FLOAT, pullRows itself for DOUBLE), with a partial last batch, and conditional batches carry the one-hot
     * labels of their rows.
     */
    @Test
    void batchesHoldTheRowsOfTheirIndicesInFOrder() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray features = numbered(37, 21, type);
            int[] labels = new int[37];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 3;
            }
            ShuffledBatchIterator it = new ShuffledBatchIterator(features, labels, 3, 16, 7, 0);
            for (int epoch = 0; epoch < 2; epoch++) {
                if (epoch > 0) {
                    it.reset();
                }
                Set<Integer> seen = new HashSet<>();
                List<Long> sizes = new ArrayList<>();
                while (it.hasNext()) {
                    ConditionedBatch b = assertInstanceOf(ConditionedBatch.class, it.next());
                    INDArray x = b.getFeatures();
                    assertEquals('f', x.ordering(), type + ": batch order");
                    assertSame(x, b.getLabels());
                    sizes.add(x.size(0));
                    int[] rows = new int[(int) x.size(0)];
                    for (int r = 0; r < rows.length; r++) {
                        rows[r] = x.getInt(r, 0);
                        assertTrue(seen.add(rows[r]), type + ": row " + rows[r] + " served twice");
                        assertEquals(1.0, b.condition().getDouble(r, labels[rows[r]]), type + ": label of row " + rows[r]);
                        assertEquals(1.0, b.condition().getRow(r).sumNumber().doubleValue(), type + ": one-hot row");
                    }
                    assertEquals(Nd4j.pullRows(features, 1, rows, 'f'), x, type + ": batch equals pullRows");
                }
                assertEquals(37, seen.size(), type + ": rows per epoch");
                assertEquals(List.of(16L, 16L, 5L), sizes, type + ": batch sizes");
            }
        }
    }

    /** A batch's arrays stay valid while the next batch is served, and are reused (not reallocated) after that. */
    @Test
    void batchArraysAreReusedEveryOtherBatch() {
        INDArray features = numbered(64, 5, DataType.FLOAT);
        ShuffledBatchIterator it = new ShuffledBatchIterator(features, 8, 3, 0);
        DataSet first = it.next();
        INDArray firstCopy = first.getFeatures().dup();
        DataSet second = it.next();
        assertNotSame(first.getFeatures(), second.getFeatures());
        assertEquals(firstCopy, first.getFeatures(), "the first batch is intact while the second is served");
        DataSet third = it.next();
        assertSame(first.getFeatures(), third.getFeatures(), "the third batch reuses the first one's arrays");
        assertFalse(firstCopy.equals(third.getFeatures()), "and holds other rows");
    }
}
