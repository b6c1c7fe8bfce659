package io.github.vae4j.model;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.testutil.TestData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conditional VAE through the facade and through plain DL4J: the graph has inputs x and y, the facade's
 * reconstruction is the graph's output, the label changes what the decoder makes, [x | y] rows evaluate log p(x|y),
 * and a saved model loads with its classes.
 */
class ConditionalModelTest {

    private static final VaeConfig DENSE = VaeConfig.defaults().withOverrides(Map.of(
            "inputShape", List.of(20), "encoder", TestData.dense(16), "latentSize", 3, "decoder", TestData.dense(16),
            "conditional", true, "classes", 4, "seed", 5));

    private static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
        }
        return y;
    }

    @Test
    void theGraphTakesXAndYAndTheFacadeRunsIt(@TempDir Path dir) throws IOException {
        VaeModel m = VaeModel.create(DENSE);
        INDArray x = TestData.binary(12, 20, 3, DataType.FLOAT);
        INDArray y = m.oneHot(labels(12));
        for (int i = 0; i < 30; i++) {
            m.network().fit(new MultiDataSet(new INDArray[] {x, y}, new INDArray[] {x}));
        }
        assertEquals(List.of("x", "y"), m.network().getConfiguration().getNetworkInputs());
        assertEquals(m.reconstruct(x, y), m.network().outputSingle(x, y), "plain DL4J output = reconstruction at μ");

        INDArray z = Nd4j.randn(DataType.FLOAT, 12, 3);
        assertNotEquals(m.decode(z, m.oneHot(new int[12])), m.decode(z, y), "the label changes the decoding");
        assertEquals(2, m.generate(new int[] {1, 3}, 7).size(0));

        Path file = dir.resolve("cvae.zip");
        m.save(file);
        VaeModel back = VaeModel.load(file);
        assertEquals(4, back.classes());
        assertEquals(m.reconstruct(x, y), back.reconstruct(x, y));
        ComputationGraph plain = ComputationGraph.load(file.toFile(), false);
        assertEquals(m.reconstruct(x, y), plain.outputSingle(x, y));
    }

    @Test
    void anIwaeConditionalModelTrainsWithTheLabelRepeatedForItsSamples() {
        VaeModel m = VaeModel.create(DENSE.withOverrides(Map.of("objective", Map.of("kind", "iwae", "samples", 3))));
        INDArray x = TestData.binary(16, 20, 3, DataType.FLOAT);
        MultiDataSet batch = new MultiDataSet(new INDArray[] {x, m.oneHot(labels(16))}, new INDArray[] {x});
        Nd4j.getRandom().setSeed(2);
        double first = m.network().score(batch, true);
        for (int i = 0; i < 40; i++) {
            m.network().fit(batch);
        }
        Nd4j.getRandom().setSeed(2);
        double last = m.network().score(batch, true);
        assertTrue(last < 0.97 * first, "IWAE-3 on a conditional model lowers its bound: " + first + " -> " + last);
    }

    @Test
    void jointRowsEvaluateLogPxGivenY() {
        VaeModel m = VaeModel.create(DENSE, DataType.DOUBLE, null);
        INDArray x = TestData.binary(6, 20, 3, DataType.DOUBLE);
        int[] labels = labels(6);
        INDArray rows = m.jointInput(x, labels);
        assertEquals(24, rows.size(1));
        LatentVariableModel joint = m.joint();
        Posterior q = joint.encode(rows);
        assertEquals(m.encode(x, m.oneHot(labels)).mu(), q.mu());
        INDArray z = q.mu();
        assertEquals(m.reconstructionLogLikelihood(x, m.oneHot(labels), z), joint.reconstructionLogLikelihood(rows, z));
    }

    @Test
    void labelsAreCheckedWithOneLineMessages() {
        VaeModel m = VaeModel.create(DENSE);
        INDArray x = TestData.binary(2, 20, 3, DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.encode(x));
        assertEquals("the model is conditional on 4 classes: give the one-hot labels y as well", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.oneHot(new int[] {0, 4}));
        assertEquals("label 4 (row 1) is outside the model's 4 classes [0, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.encode(x, Nd4j.zeros(DataType.FLOAT, 2, 3)));
        assertEquals("y (one-hot labels) must have shape [n, 4], got [2, 3]", e.getMessage());
        VaeModel plain = VaeModel.create(VaeConfig.defaults().withOverrides(Map.of("inputShape", List.of(20))));
        e = assertThrows(IllegalArgumentException.class, () -> plain.oneHot(new int[] {1}));
        assertEquals("the model is not conditional: it takes no labels", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VaeConfig.defaults().withOverrides(Map.of(
                "conditional", true, "inputShape", List.of(1, 28, 28), "decoder",
                List.of(Map.of("type", "reshape", "channels", 16, "height", 7, "width", 7)),
                "outputHead", Map.of("type", "deconv", "kernel", 4, "stride", 4, "padding", 0), "latentSize", 784)));
        assertEquals("decoder block 0 is a reshape block, but a conditional decoder starts with a dense block, which "
                + "takes [z | y]", e.getMessage());
    }

    @Test
    void theLabelJoinsWhereTheArchitectureSays() {
        VaeConfig conv = VaeConfig.fromJson("{\"inputShape\": [1, 8, 8], \"conditional\": true, \"classes\": 10,"
                + " \"encoder\": [{\"type\": \"conv\", \"filters\": 2, \"kernel\": 3, \"stride\": 2, \"padding\": 1}],"
                + " \"latentSize\": 4, \"decoder\": [{\"type\": \"dense\", \"width\": 32},"
                + " {\"type\": \"reshape\", \"channels\": 2, \"height\": 4, \"width\": 4}],"
                + " \"outputHead\": {\"type\": \"deconv\", \"kernel\": 4, \"stride\": 2, \"padding\": 1}}");
        var a = conv.architecture();
        assertEquals(10, a.latent().labelInputs(), "no dense encoder block: y joins at z");
        assertEquals(10, a.decoder().get(0).labelInputs());
        assertEquals(2 * (2 * 4 * 4 + 10 + 1) * 4, a.latent().parameters());
        VaeModel m = VaeModel.create(conv);
        assertEquals(a.parameters(), m.network().numParams());
        List<String> vertices = List.of(m.network().getConfiguration().getTopologicalOrderStr().toArray(new String[0]));
        assertTrue(vertices.containsAll(List.of("z-flat", "z-in", "dec0-in")), vertices.toString());
        INDArray x = TestData.binary(3, 64, 1, DataType.FLOAT);
        assertEquals(3, m.reconstruct(x, m.oneHot(new int[] {0, 5, 9})).size(0));
    }
}
