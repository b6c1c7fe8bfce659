package io.github.vae4j.bench;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PytorchPeerTest {

    @Test
    void recognisesTheModelsTheScriptImplements() throws Exception {
        VaeConfig mlp = VaeConfig.defaults().withInputShape(List.of(1, 28, 28));
        assertEquals("mlp", PytorchPeer.architecture(mlp));
        assertEquals("conv", PytorchPeer.architecture(VaeConfig.load(Path.of("configs/conv-mnist.json"))
                .withInputShape(List.of(1, 28, 28))));
        assertNull(PytorchPeer.architecture(mlp.withOverrides(Map.of("latentSize", 2))));
        assertNull(PytorchPeer.architecture(mlp.withOverrides(Map.of("likelihood", "GAUSSIAN"))));
    }

    @Test
    void writesTheImagesAsIdxBytes(@TempDir Path dir) throws Exception {
        INDArray x = DataSets.mnist10k().testX().get(NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        Path f = PytorchPeer.writeIdx(x, dir.resolve("images-idx3-ubyte"));
        assertEquals(16 + 5 * 784, Files.size(f));
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(0x08, bytes[2]);
        assertEquals(0x03, bytes[3]);
        float[] expected = x.reshape(5 * 784).toFloatVector();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], (bytes[16 + i] & 0xff) / 255f, 1e-7f, "value " + i);
        }
        INDArray notPixels = Nd4j.createFromArray(new float[][] {{0.5f, 0.25f, 0.125f, 0.3f}});
        var e = assertThrows(IllegalArgumentException.class, () -> PytorchPeer.writeIdx(notPixels, dir.resolve("x")));
        assertTrue(e.getMessage().contains("k/255"), e.getMessage());
    }

    @Test
    void missingPythonIsReportedWithTheInstallHint() {
        String reason = PytorchPeer.unavailableReason("/nonexistent/python3");
        assertTrue(reason.contains(PytorchPeer.INSTALL_HINT), reason);
    }

    /** Runs only where Debian's python3-torch is installed (the benchmark machines); CI may not have it. */
    @Test
    void peerTrainsEpochsAndEvaluatesOnTheGivenImages(@TempDir Path dir) throws Exception {
        String python = PytorchPeer.defaultPython();
        assumeTrue(PytorchPeer.unavailableReason(python) == null, "PyTorch not installed");
        DataSplit full = DataSets.mnist10k();
        INDArray train = full.trainX().get(NDArrayIndex.interval(0, 512), NDArrayIndex.all());
        INDArray test = full.testX().get(NDArrayIndex.interval(0, 64), NDArrayIndex.all());
        VaeConfig c = VaeConfig.defaults().withInputShape(List.of(1, 28, 28));
        try (PytorchPeer peer = PytorchPeer.start(python, "mlp", train, test, c, 1, dir)) {
            PytorchPeer.Epoch first = peer.epoch();
            PytorchPeer.Epoch second = peer.epoch();
            assertEquals(512, first.examples());
            assertTrue(first.seconds() > 0 && first.examplesPerSecond() > 0);
            assertTrue(second.loss() < first.loss(), first.loss() + " then " + second.loss());
            PytorchPeer.Evaluation e = peer.evaluate(10, 1);
            assertEquals(10, e.k());
            assertTrue(e.logLikelihood() < 0 && e.negativeElbo() > 0, e.toString());
            assertTrue(-e.negativeElbo() <= e.logLikelihood() + 5, e.toString());
        }
    }
}
