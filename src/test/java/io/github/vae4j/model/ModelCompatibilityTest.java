package io.github.vae4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.config.Block;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Committed golden model files keep loading and keep giving the outputs recorded when they were written: format 1
 * (vae4j 0.1's MLP, whose layer classes no longer exist) and format 2 (a conv and an MLP model). See
 * {@link GoldenModels} for how they were made.
 */
class ModelCompatibilityTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final DataSplit DATA = DataSets.mnist10k();

    @ParameterizedTest
    @ValueSource(strings = {"v1-mlp", "v2-mlp", "v2-conv"})
    void goldenModelLoadsAndGivesTheRecordedOutputs(String name) throws Exception {
        VaeModel m = VaeModel.load(GOLDEN.resolve(name + ".zip"));
        JsonNode want = new ObjectMapper().readTree(Files.readString(GOLDEN.resolve(name + "-expected.json")));
        JsonNode got = new ObjectMapper().readTree(GoldenModels.expected(m, DATA));
        for (String key : List.of("mu", "logVar", "reconstructionFirst8", "reconstructionRowSums", "logPxGivenMu")) {
            JsonNode w = want.get(key);
            JsonNode g = got.get(key);
            assertEquals(w.size(), g.size(), key);
            for (int i = 0; i < w.size(); i++) {
                for (int j = 0; j < w.get(i).size(); j++) {
                    double expected = w.get(i).get(j).asDouble();
                    assertEquals(expected, g.get(i).get(j).asDouble(), 1e-5 * Math.max(1, Math.abs(expected)),
                            name + " " + key + "[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void formatOneModelIsMigratedAndSavesAsTheCurrentFormat(@TempDir Path dir) throws Exception {
        VaeModel old = VaeModel.load(GOLDEN.resolve("v1-mlp.zip"));
        assertEquals(List.of(784), old.config().inputShape());
        assertEquals(List.of(new Block.Dense(16)), old.config().encoder());
        assertEquals(ModelMetadata.FORMAT_VERSION, old.metadata().formatVersion());
        Path resaved = dir.resolve("resaved.zip");
        old.save(resaved);
        VaeModel back = VaeModel.load(resaved);
        INDArray x = DATA.testX().get(NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        assertEquals(old.reconstruct(x), back.reconstruct(x));
        assertEquals(old.network().getUpdater().getStateViewArray(), back.network().getUpdater().getStateViewArray(),
                "the Adam state of the format-1 file is carried over");
        assertTrue(old.network().getUpdater().getStateViewArray().amaxNumber().doubleValue() > 0);
        assertEquals(3, old.network().getConfiguration().getIterationCount(), "the 3 Adam steps it was trained for");
        assertEquals(3, back.network().getConfiguration().getIterationCount());
    }

    @Test
    void convModelSavedByVae4jRunsInPlainDl4jCode() throws Exception {
        Path file = GOLDEN.resolve("v2-conv.zip");
        VaeModel m = VaeModel.load(file);
        ComputationGraph plain = ComputationGraph.load(file.toFile(), false);
        INDArray x = DATA.testX().get(NDArrayIndex.interval(0, 4), NDArrayIndex.all());
        assertEquals(m.reconstruct(x), plain.outputSingle(x), "ComputationGraph.output is the facade's reconstruction");
    }
}
