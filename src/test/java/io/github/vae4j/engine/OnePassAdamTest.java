package io.github.vae4j.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnePassAdamTest {

    /**
     * The same gradients through DL4J's Adam and OnePassAdam give the same updates, step after step, for a parameter
     * count that ends in a partial chunk and one spanning many chunks.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {5003, 70001})
    void updatesMatchDl4jAdam(int n) {
        for (double lr : new double[] {1e-3, 0.05}) {
            GradientUpdater<?> reference = new Adam(lr).instantiate(Nd4j.zeros(DataType.DOUBLE, 1, 2 * n), true);
            GradientUpdater<?> lean = new OnePassAdam(lr).instantiate(Nd4j.zeros(DataType.DOUBLE, 1, 2 * n), true);
            Nd4j.getRandom().setSeed(7);
            for (int it = 0; it < 30; it++) {
                INDArray g = Nd4j.randn(DataType.DOUBLE, 1, n).muli(Math.pow(10, (it % 5) - 2));
                INDArray a = g.dup();
                INDArray b = g.dup();
                reference.applyUpdater(a, it, 0);
                lean.applyUpdater(b, it, 0);
                double err = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
                assertTrue(err < 1e-10, "step " + it + " lr " + lr + ": relative difference " + err);
                assertNotEquals(0.0, b.norm2Number().doubleValue());
            }
        }
    }

    /** The float path of OnePassAdam against DL4J's Adam in double precision, step after step. */
    @org.junit.jupiter.api.Test
    void floatUpdatesMatchDoublePrecisionAdam() {
        int n = 5003;
        GradientUpdater<?> reference = new Adam(1e-3).instantiate(Nd4j.zeros(DataType.DOUBLE, 1, 2 * n), true);
        GradientUpdater<?> lean = new OnePassAdam(1e-3).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
        Nd4j.getRandom().setSeed(8);
        for (int it = 0; it < 30; it++) {
            INDArray g = Nd4j.randn(DataType.DOUBLE, 1, n).muli(Math.pow(10, (it % 5) - 2));
            INDArray a = g.dup();
            INDArray b = g.castTo(DataType.FLOAT);
            reference.applyUpdater(a, it, 0);
            lean.applyUpdater(b, it, 0);
            double err = a.sub(b.castTo(DataType.DOUBLE)).norm2Number().doubleValue() / a.norm2Number().doubleValue();
            assertTrue(err < 1e-5, "step " + it + ": relative difference " + err);
        }
    }

    /** A gradient view inside a larger flattened array is updated in place (how DL4J hands gradients over). */
    @Test
    void writesTheUpdateIntoAGradientView() {
        INDArray flat = Nd4j.linspace(DataType.FLOAT, 1, 20, 1).reshape(1, 20);
        INDArray view = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 15)).reshape(1, 10);
        GradientUpdater<?> lean = new OnePassAdam(0.1).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 20), true);
        lean.applyUpdater(view, 0, 0);
        // first step: m = 0.1 g, v = 0.001 g², bias-corrected update = lr · g / |g| = 0.1
        for (int i = 5; i < 15; i++) {
            assertEquals(0.1, flat.getDouble(0, i), 1e-5);
        }
        assertEquals(1.0, flat.getDouble(0, 0), 0);
        assertEquals(16.0, flat.getDouble(0, 15), 0);
    }

    @Test
    void survivesConfigurationJsonRoundTrip() throws Exception {
        IUpdater u = new OnePassAdam(3e-4, null, 0.8, 0.99, 1e-7);
        ObjectMapper mapper = NeuralNetConfiguration.mapper();
        String json = mapper.writeValueAsString(u);
        IUpdater back = mapper.readValue(json, IUpdater.class);
        assertTrue(back instanceof OnePassAdam, json);
        assertEquals(u, back);
        assertNotEquals(new OnePassAdam(3e-4), back);
    }

    @Test
    void rejectsBadHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> new OnePassAdam(0));
        assertThrows(IllegalArgumentException.class, () -> new OnePassAdam(1e-3, null, 1.0, 0.999, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new OnePassAdam(1e-3, null, 0.9, 0.999, 0));
    }
}
