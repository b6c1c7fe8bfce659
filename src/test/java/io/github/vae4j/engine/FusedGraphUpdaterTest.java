package io.github.vae4j.engine;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.model.VaeNetwork;
import io.github.vae4j.testutil.TestData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FusedGraphUpdaterTest {

    private static final VaeConfig SMALL = VaeConfig.defaults().withOverrides(Map.of(
            "inputShape", List.of(12), "encoder", TestData.dense(9), "latentSize", 3, "decoder", TestData.dense(8),
            "batchSize", 16, "learningRate", 0.01, "seed", 5));

    /** Trains for {@code steps} on fixed batches of sizes 16 and 7, re-seeding ND4J's generator before each step. */
    private static INDArray train(ComputationGraph graph, int steps) {
        for (int i = 0; i < steps; i++) {
            INDArray x = TestData.binary(i % 2 == 0 ? 16 : 7, 12, 100 + i, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(1000 + i);
            graph.fit(new DataSet(x, x));
        }
        return graph.params().dup();
    }

    @Test
    void sameParametersAsDl4jsUpdater() {
        // the graph as DL4J alone builds it, and a clone with the updater VaeNetwork.build attaches
        ComputationGraph dl4j = new ComputationGraph(VaeNetwork.configuration(SMALL, DataType.DOUBLE));
        dl4j.init();
        ComputationGraph fused = dl4j.clone();
        assertTrue(FusedGraphUpdater.install(fused));
        assertInstanceOf(FusedGraphUpdater.class, VaeNetwork.build(SMALL, DataType.DOUBLE).getUpdater());
        assertFalse(dl4j.getUpdater() instanceof FusedGraphUpdater);
        INDArray start = dl4j.params().dup();

        INDArray a = train(dl4j, 12);
        INDArray b = train(fused, 12);
        assertEquals(12, ((FusedGraphUpdater) fused.getUpdater()).fusedSteps());
        assertNotEquals(0.0, a.sub(start).norm2Number().doubleValue());
        double diff = a.sub(b).amaxNumber().doubleValue();
        assertTrue(diff < 1e-12, "largest parameter difference " + diff);
        double stateDiff = dl4j.getUpdater().getStateViewArray().sub(fused.getUpdater().getStateViewArray())
                .amaxNumber().doubleValue();
        assertTrue(stateDiff < 1e-12, "largest Adam state difference " + stateDiff);
    }

    /**
     * vae4j's training step ({@code EpochLoop.of}: after its first step, the gradient, then the update and the parameter
     * step in one pass) leaves exactly the parameters, Adam state and iteration count of DL4J's {@code fit} with the
     * fused updater, and reports the same loss, in double and in float.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void fusedParameterStepEqualsDl4jsFit(DataType type) {
        ComputationGraph viaFit = VaeNetwork.build(SMALL, type);
        ComputationGraph viaStep = viaFit.clone();
        assertTrue(FusedGraphUpdater.install(viaStep));
        io.github.vae4j.train.EpochLoop.Step step = io.github.vae4j.train.EpochLoop.of(viaStep);
        for (int i = 0; i < 12; i++) {
            INDArray x = TestData.binary(i % 2 == 0 ? 16 : 7, 12, 100 + i, type);
            Nd4j.getRandom().setSeed(1000 + i);
            viaFit.fit(new DataSet(x, x));
            Nd4j.getRandom().setSeed(1000 + i);
            step.fit(new DataSet(x, x));
            assertEquals(viaFit.score(), step.score(), 0.0, "loss of step " + i);
        }
        // the first step went through fit, the other eleven through the fused parameter step
        assertEquals(12, ((FusedGraphUpdater) viaStep.getUpdater()).fusedSteps());
        assertEquals(11, ((FusedGraphUpdater) viaStep.getUpdater()).parameterSteps());
        assertEquals(12, viaStep.getIterationCount());
        assertEquals(0.0, viaFit.params().sub(viaStep.params()).amaxNumber().doubleValue(), "parameters");
        assertEquals(0.0, viaFit.getUpdater().getStateViewArray().sub(viaStep.getUpdater().getStateViewArray())
                .amaxNumber().doubleValue(), "Adam state");
        assertNotEquals(0.0, viaStep.params().sub(VaeNetwork.build(SMALL, type).params()).norm2Number().doubleValue());
    }

    @Test
    void otherUpdatersKeepDl4jsPath() {
        ComputationGraph graph = VaeNetwork.build(SMALL.withOverrides(Map.of("updater", "RMSPROP")), DataType.FLOAT);
        assertFalse(FusedGraphUpdater.install(graph));
        assertFalse(graph.getUpdater() instanceof FusedGraphUpdater);
    }

    /** A saved model resumes with the Adam state it was saved with, under the fused updater. */
    @Test
    void loadedModelKeepsItsAdamState(@TempDir Path dir) throws Exception {
        VaeModel model = VaeModel.create(SMALL);
        train(model.network(), 3);
        INDArray state = model.network().getUpdater().getStateViewArray().dup();
        assertNotEquals(0.0, state.norm2Number().doubleValue());
        Path file = dir.resolve("m.zip");
        model.save(file);

        VaeModel loaded = VaeModel.load(file);
        FusedGraphUpdater updater = assertInstanceOf(FusedGraphUpdater.class, loaded.network().getUpdater());
        assertTrue(updater.isFused());
        assertEquals(state, updater.getStateViewArray());
    }
}
