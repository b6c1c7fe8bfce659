package io.github.vae4j.data;

import io.github.vae4j.testutil.TestData;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvDataTest {

    private static Path csv(Path dir, int rows, boolean header) throws IOException {
        StringBuilder sb = new StringBuilder(header ? "a,b,c,d,label\n" : "");
        Random r = new Random(1);
        for (int i = 0; i < rows; i++) {
            double t = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%d%n", 10 + 3 * t, -2 * t + r.nextGaussian() * 0.1,
                    t * t, 5 + r.nextGaussian(), i % 3));
        }
        return Files.writeString(dir.resolve("data.csv"), sb.toString());
    }

    @Test
    void csvEndToEndTrainsWithTheNormalizerSavedInTheModel(@TempDir Path dir) throws IOException {
        Path file = csv(dir, 400, true);
        DataOptions opts = new DataOptions(DataOptions.DEBIAN_FASHION_DIR, 4, true, "standardize", 0.25, 3);
        DataSplit d = DataSets.load("csv:" + file, opts);
        assertEquals(300, d.trainX().size(0));
        assertEquals(100, d.testX().size(0));
        assertEquals(4, d.dimensions(), "label column is not a feature");
        assertEquals(300, d.trainLabels().length());
        INDArray mean = d.trainX().mean(0);
        assertTrue(mean.norm2Number().doubleValue() < 1e-4, "standardized train features have mean 0: " + mean);
        assertInstanceOf(NormalizerStandardize.class, d.normalizer());

        INDArray raw = d.testX().dup();
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(4), "encoder", TestData.dense(16),
                "latentSize", 2, "decoder", TestData.dense(16), "likelihood", "gaussian_learned_variance",
                "epochs", 3, "batchSize", 32));
        TrainingResult r = new VaeTrainer(c, new VaeTrainer.Options(dir.resolve("out"), 0, false, false, true)).train(d);
        assertTrue(Double.isFinite(r.last().testLoss()));
        VaeModel back = VaeModel.load(r.modelPath());
        assertTrue(back.normalizer().isPresent(), "normalizer saved inside the model");
        assertEquals(((NormalizerStandardize) d.normalizer()).getMean(),
                ((NormalizerStandardize) back.normalizer().get()).getMean());
        assertEquals(raw, d.testX(), "training does not modify the data");
    }

    @Test
    void nonNumericCsvIsReportedWithTheFileAndHint(@TempDir Path dir) throws IOException {
        Path file = csv(dir, 20, true);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataSets.load("csv:" + file, DataOptions.defaults()));
        assertTrue(e.getMessage().contains("data.csv") && e.getMessage().contains("--csv-header"), e.getMessage());
    }
}
