package io.github.vae4j.bench;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conditional-generation benchmark on a slice of mnist10k: a real classifier, a briefly trained CVAE. */
class ConditionalBenchmarkTest {

    @Test
    void reportsPerClassAccuracyJudgedByAClassifierTrainedOnTheTrainingSplit() {
        DataSplit full = DataSets.mnist10k();
        DataSplit data = new DataSplit("mnist10k-slice", full.sha256(), full.shape(), rows(full.trainX(), 1500),
                rows(full.trainLabels(), 1500), rows(full.testX(), 300), rows(full.testLabels(), 300), null);
        VaeModel cvae = VaeModel.create(VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(1, 28, 28),
                "conditional", true, "classes", 10, "encoder", TestData.dense(64), "decoder", TestData.dense(64),
                "latentSize", 4)));
        INDArray x = data.trainX();
        INDArray y = cvae.oneHot(data.trainLabelArray());
        for (int i = 0; i < 20; i++) {
            cvae.network().fit(new MultiDataSet(new INDArray[] {x, y}, new INDArray[] {x}));
        }
        ConditionalBenchmark.Report r = ConditionalBenchmark.run(cvae, data, 30, 1, 5);
        assertEquals(10, r.perClassAccuracy().length);
        assertEquals(30, r.samplesPerClass());
        assertTrue(r.classifierTestAccuracy() > 0.5, "the classifier learns the digits: " + r.classifierTestAccuracy());
        for (double a : r.perClassAccuracy()) {
            assertTrue(a >= 0 && a <= 1, String.valueOf(a));
        }
        assertEquals(java.util.Arrays.stream(r.perClassAccuracy()).average().orElseThrow(), r.meanAccuracy(), 1e-12);
        assertTrue(r.markdown().contains("| all | 300 |"), r.markdown());

        VaeModel plain = VaeModel.create(VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(784))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConditionalBenchmark.run(plain, data, 10, 1, 5));
        assertEquals("the conditional-generation benchmark needs a conditional model", e.getMessage());
    }

    private static INDArray rows(INDArray a, int n) {
        return a.rank() == 1 ? a.get(NDArrayIndex.interval(0, n)).dup()
                : a.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
    }
}
