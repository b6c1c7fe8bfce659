package io.github.vae4j.model;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.testutil.TestData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaeModelTest {

    private static final VaeConfig SMALL = VaeConfig.defaults().withOverrides(Map.of(
            "inputShape", List.of(20), "encoder", TestData.dense(16), "latentSize", 4, "decoder", TestData.dense(16),
            "batchSize", 32, "seed", 7));

    private static DataSet batch() {
        INDArray x = TestData.binary(64, 20, 11, DataType.FLOAT);
        return new DataSet(x, x);
    }

    private static VaeModel trained(int steps) {
        VaeModel m = VaeModel.create(SMALL);
        Nd4j.getRandom().setSeed(SMALL.seed());
        DataSet ds = batch();
        for (int i = 0; i < steps; i++) {
            m.network().fit(ds);
        }
        return m;
    }

    @Test
    void sameSeedGivesIdenticalParametersAfterTraining() {
        INDArray a = trained(5).network().params();
        INDArray b = trained(5).network().params();
        assertEquals(a, b);
        VaeModel other = VaeModel.create(SMALL.withOverrides(Map.of("seed", 8)));
        assertNotEquals(VaeModel.create(SMALL).network().params(), other.network().params());
    }

    @Test
    void oneFitStepChangesParametersAndLowersLoss() {
        VaeModel m = VaeModel.create(SMALL);
        DataSet ds = batch();
        INDArray before = m.network().params().dup();
        double lossBefore = m.elbo(ds.getFeatures(), 50, 1).meanNegativeElbo();
        for (int i = 0; i < 10; i++) {
            m.network().fit(ds);
        }
        assertNotEquals(before, m.network().params());
        double lossAfter = m.elbo(ds.getFeatures(), 50, 1).meanNegativeElbo();
        assertTrue(lossAfter < lossBefore, "loss " + lossBefore + " -> " + lossAfter);
    }

    @Test
    void networkScoreIsReconstructionNllPlusKlFromTheSameForwardPass() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            VaeModel m = VaeModel.create(SMALL, DataType.DOUBLE, null);
            ComputationGraph g = m.network();
            INDArray x = TestData.binary(8, 20, 3, DataType.DOUBLE);
            g.setInputs(x);
            g.setLabels(x);
            Nd4j.getRandom().setSeed(99);
            g.computeGradientAndScore();
            double score = g.score();

            Nd4j.getRandom().setSeed(99); // same ε
            Map<String, INDArray> acts = g.feedForward(new INDArray[] {x}, true, false);
            INDArray p = acts.get(VaeNetwork.OUTPUT);
            Posterior q = m.encode(x);
            double recon = 0;
            double kl = 0;
            for (int i = 0; i < x.rows(); i++) {
                for (int j = 0; j < x.columns(); j++) {
                    double t = x.getDouble(i, j);
                    double pij = p.getDouble(i, j);
                    recon -= t * Math.log(pij) + (1 - t) * Math.log(1 - pij);
                }
                for (int j = 0; j < q.mu().columns(); j++) {
                    double mu = q.mu().getDouble(i, j);
                    double lv = q.logVar().getDouble(i, j);
                    kl += 0.5 * (mu * mu + Math.exp(lv) - lv - 1);
                }
            }
            assertTrue(kl > 0.01, "KL is part of the check: " + kl);
            assertEquals((recon + kl) / x.rows(), score, 1e-9);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void betaScalesOnlyTheKlTermOfTheScore() {
        INDArray x = TestData.binary(8, 20, 3, DataType.DOUBLE);
        double[] scores = new double[3];
        double[] betas = {0.0, 1.0, 3.0};
        double kl = 0;
        for (int k = 0; k < 3; k++) {
            VaeModel m = VaeModel.create(SMALL.withOverrides(Map.of("objective", Map.of("beta", betas[k]))),
                    DataType.DOUBLE, null);
            Nd4j.getRandom().setSeed(5);
            scores[k] = m.network().score(new DataSet(x, x), true);
            kl = m.elbo(x, 1, 0).meanKl();
        }
        assertEquals(kl, scores[1] - scores[0], 1e-6);
        assertEquals(3 * kl, scores[2] - scores[0], 1e-6);
    }

    /** The default init is PyTorch's: weights and biases U(−1/√fan_in, 1/√fan_in), per layer. */
    @Test
    void defaultInitDrawsWeightsAndBiasesLikePytorch() {
        VaeModel m = VaeModel.create(VaeConfig.defaults().withInputShape(List.of(784)));
        var g = m.network();
        for (String[] layer : new String[][] {{"enc0", "W", "784"}, {"enc0", "b", "784"}, {"z", "bmu", "400"},
                {"z", "blogVar", "400"}, {"z", "WlogVar", "400"}, {"dec0", "b", "20"}, {"px", "W", "400"}, {"px", "b", "400"}}) {
            INDArray p = g.getLayer(layer[0]).getParam(layer[1]);
            double bound = 1 / Math.sqrt(Double.parseDouble(layer[2]));
            double max = p.amaxNumber().doubleValue();
            assertTrue(max <= bound && max > 0.8 * bound, layer[0] + "." + layer[1] + ": max |value| " + max
                    + " vs bound " + bound);
            // a uniform draw has variance bound²/3
            double var = p.varNumber().doubleValue();
            assertEquals(bound * bound / 3, var, 0.35 * bound * bound / 3, layer[0] + "." + layer[1]);
        }
        // convolutions: fan_in = in·k²; transposed convolutions, as PyTorch's ConvTranspose2d: fan_in = out·k²
        var conv = VaeModel.create(VaeConfig.load(java.nio.file.Path.of("configs/conv-mnist.json"))).network();
        for (String[] layer : new String[][] {{"enc0", "b", "9"}, {"enc1", "W", "288"}, {"dec3", "W", "512"},
                {"dec3", "b", "512"}, {"dec_out", "W", "16"}}) {
            INDArray p = conv.getLayer(layer[0]).getParam(layer[1]);
            double bound = 1 / Math.sqrt(Double.parseDouble(layer[2]));
            double max = p.amaxNumber().doubleValue();
            assertTrue(max <= bound && max > 0.5 * bound, layer[0] + "." + layer[1] + ": max |value| " + max
                    + " vs bound " + bound);
        }
        // the head's single bias (one output channel): within PyTorch's bound 1/√(1·4²), not DL4J's 1/√(32·4²)
        assertTrue(conv.getLayer("dec_out").getParam("b").amaxNumber().doubleValue() <= 0.25);
        VaeModel xavier = VaeModel.create(VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(784),
                "weightInit", "xavier")));
        assertEquals(0.0, xavier.network().getLayer("enc0").getParam("b").amaxNumber().doubleValue());
    }

    @Test
    void klWarmupFollowsTheNetworksOwnEpochCounter() {
        INDArray x = TestData.binary(8, 20, 3, DataType.DOUBLE);
        VaeModel none = VaeModel.create(SMALL.withOverrides(Map.of("objective", Map.of("beta", 0.0))), DataType.DOUBLE,
                null);
        VaeModel warm = VaeModel.create(SMALL.withOverrides(Map.of("objective", Map.of("beta", 2.0, "klSchedule", "linear:3"))),
                DataType.DOUBLE, null);
        double kl = warm.elbo(x, 1, 0).meanKl();
        double[] expectedWeight = {0.5, 1.0, 1.5, 2.0, 2.0};
        for (int epoch = 0; epoch < expectedWeight.length; epoch++) {
            Nd4j.getRandom().setSeed(5);
            double base = none.network().score(new DataSet(x, x), true);
            Nd4j.getRandom().setSeed(5);
            double s = warm.network().score(new DataSet(x, x), true);
            assertEquals(expectedWeight[epoch] * kl, s - base, 1e-6, "epoch " + epoch);
            warm.network().incrementEpochCount();
            none.network().incrementEpochCount();
        }
    }

    @Test
    void saveLoadGivesIdenticalOutputsAndMetadata(@TempDir Path dir) throws IOException {
        VaeModel m = trained(3);
        m.setMetadata(m.metadata().withDataset("synthetic", "abc").withMetrics(Map.of("test_loss", 12.5)));
        Path file = dir.resolve("m.zip");
        m.save(file);
        VaeModel back = VaeModel.load(file);
        assertEquals(m.metadata(), back.metadata());
        assertEquals(SMALL, back.config());
        INDArray x = batch().getFeatures();
        assertEquals(m.reconstruct(x), back.reconstruct(x));
        assertEquals(m.encode(x).logVar(), back.encode(x).logVar());
        assertEquals(m.generate(5, 3), back.generate(5, 3));
        assertEquals(m.network().params(), back.network().params());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void plainDl4jCodeLoadsTheModelAndGetsTheSameOutput(@TempDir Path dir) throws IOException {
        VaeModel m = trained(3);
        Path file = dir.resolve("m.zip");
        m.save(file);
        INDArray x = batch().getFeatures();
        ComputationGraph plain = ComputationGraph.load(file.toFile(), false);
        assertEquals(m.reconstruct(x), plain.outputSingle(x));
        ComputationGraph viaSerializer = ModelSerializer.restoreComputationGraph(file.toFile());
        assertEquals(m.reconstruct(x), viaSerializer.outputSingle(x));
    }

    @Test
    void loadRejectsFilesThatAreNotVae4jModels(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.zip"), "hello");
        IOException e = assertThrows(IOException.class, () -> VaeModel.load(text));
        assertTrue(e.getMessage().contains("is not a zip file"), e.getMessage());

        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(VaeModel.create(SMALL).network(), plain.toFile(), false);
        e = assertThrows(IOException.class, () -> VaeModel.load(plain));
        assertTrue(e.getMessage().contains("has no vae4j-metadata.json entry"), e.getMessage());

        Path future = dir.resolve("future.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(future))) {
            out.putNextEntry(new ZipEntry(ModelFile.METADATA_ENTRY));
            out.write(("{\"formatVersion\": 99, \"config\": " + SMALL.toJson() + "}").getBytes());
        }
        e = assertThrows(IOException.class, () -> VaeModel.load(future));
        assertTrue(e.getMessage().contains("unsupported vae4j model format version 99"), e.getMessage());

        e = assertThrows(IOException.class, () -> VaeModel.load(dir.resolve("missing.zip")));
        assertTrue(e.getMessage().contains("missing.zip"), e.getMessage());
    }

    /** The facade runs the graph's own layers but leaves the graph's input as its user set it. */
    @Test
    void facadeCallsLeaveTheGraphsInputAlone() {
        VaeModel m = trained(1);
        INDArray x = batch().getFeatures();
        m.network().setInputs(x);
        m.reconstruct(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        m.reconstructionLogLikelihood(x, m.encode(x).mu());
        assertTrue(m.network().getInput(0) == x, "the graph still holds the user's input");
    }

    @Test
    void badInputsAreRejectedWithShapeOrValue() {
        VaeModel m = VaeModel.create(SMALL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.encode(Nd4j.zeros(DataType.FLOAT, 3, 19)));
        assertEquals("x must have shape [n, 20], got [3, 19]", e.getMessage());
        INDArray nan = Nd4j.zeros(DataType.FLOAT, 2, 20);
        nan.putScalar(1, 3, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> m.encode(nan));
        assertTrue(e.getMessage().startsWith("x contains NaN or infinite values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.decode(Nd4j.zeros(DataType.FLOAT, 2, 5)));
        assertEquals("z must have shape [n, 4], got [2, 5]", e.getMessage());
    }

    @Test
    void facadeOutputsHaveTheRightShapesAndRanges() {
        VaeModel m = trained(2);
        INDArray x = batch().getFeatures();
        Posterior q = m.encode(x);
        assertEquals(List.of(64L, 4L), List.of(q.mu().size(0), q.mu().size(1)));
        INDArray g = m.generate(10, 1);
        assertEquals(10, g.rows());
        assertTrue(g.minNumber().doubleValue() >= 0 && g.maxNumber().doubleValue() <= 1, "Bernoulli means are probabilities");
        assertEquals(g, m.generate(10, 1), "same seed, same samples");
        assertFalse(g.equals(m.generate(10, 2)));
        Elbo e = m.elbo(x, 3, 0);
        assertEquals(e.meanNegativeElbo(), -e.elbo().meanNumber().doubleValue(), 1e-3);
        assertTrue(e.meanKl() > 0);
    }
}
