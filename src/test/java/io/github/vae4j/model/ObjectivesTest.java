package io.github.vae4j.model;

import io.github.vae4j.config.Objective;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.nn.LossBernoulli;
import io.github.vae4j.nn.VaeMath;
import io.github.vae4j.nn.VariationalLayer;
import io.github.vae4j.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The objectives as the network trains them, against their definitions computed through the model's facade: the
 * IWAE-k training score is −log (1/k) Σ_s p(x|z_s) p(z_s)/q(z_s|x) for the same ε; free bits count each dimension's
 * mean KL as at least λ; IWAE models train, save and load with their objective.
 */
class ObjectivesTest {

    private static final VaeConfig SMALL = VaeConfig.defaults().withOverrides(Map.of(
            "inputShape", List.of(20), "encoder", TestData.dense(16), "latentSize", 4, "decoder", TestData.dense(16),
            "batchSize", 32, "seed", 7));

    private static VaeConfig with(Objective o) {
        return SMALL.withOverrides(Map.of("objective", Map.of("kind", o.kind().id(), "samples", o.samples(),
                "beta", o.beta(), "freeBits", o.freeBits(), "klSchedule", o.klSchedule())));
    }

    @Test
    void iwaeTrainingScoreIsTheImportanceWeightedBound() {
        int k = 5;
        int n = 8;
        VaeModel model = VaeModel.create(with(Objective.iwae(k)), DataType.DOUBLE, null);
        INDArray x = TestData.binary(n, 20, 3, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(21);
        double score = model.network().score(new DataSet(x, x), true);

        // the same ε the layer draws: [k·n, latent] in 'f' order from the same seed
        Nd4j.getRandom().setSeed(21);
        INDArray eps = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {(long) k * n, 4}, 'f');
        Nd4j.randn(eps);
        Posterior q = model.encode(x);
        INDArray mu = Nd4j.tile(q.mu(), k, 1);
        INDArray logVar = Nd4j.tile(q.logVar(), k, 1);
        INDArray z = mu.add(Transforms.exp(logVar.mul(0.5), true).muli(eps));
        INDArray logPx = model.reconstructionLogLikelihood(Nd4j.tile(x, k, 1), z);
        double log2pi = Math.log(2 * Math.PI);
        INDArray logPz = z.mul(z).addi(log2pi).muli(-0.5).sum(1);
        INDArray d = z.sub(mu);
        INDArray logQz = d.mul(d).divi(Transforms.exp(logVar, true)).addi(logVar).addi(log2pi).muli(-0.5).sum(1);
        INDArray logW = logPx.add(logPz).subi(logQz);
        double bound = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < k; s++) {
                max = Math.max(max, logW.getDouble(s * n + i));
            }
            double sum = 0;
            for (int s = 0; s < k; s++) {
                sum += Math.exp(logW.getDouble(s * n + i) - max);
            }
            bound += max + Math.log(sum / k);
        }
        assertEquals(-bound / n, score, 1e-9);
    }

    @Test
    void iwaeWithOneSampleTrainsTheElbo() {
        INDArray x = TestData.binary(8, 20, 3, DataType.DOUBLE);
        VaeModel elbo = VaeModel.create(SMALL, DataType.DOUBLE, null);
        VaeModel iwae1 = VaeModel.create(with(Objective.iwae(1)), DataType.DOUBLE, null);
        Nd4j.getRandom().setSeed(4);
        double a = elbo.network().score(new DataSet(x, x), true);
        Nd4j.getRandom().setSeed(4);
        double b = iwae1.network().score(new DataSet(x, x), true);
        assertEquals(a, b, 1e-12);
    }

    @Test
    void freeBitsCountEachDimensionsMeanKlAsAtLeastLambda() {
        INDArray x = TestData.binary(16, 20, 5, DataType.DOUBLE);
        VaeModel plain = VaeModel.create(SMALL.withOverrides(Map.of("objective", Map.of("beta", 0.0))), DataType.DOUBLE,
                null);
        Posterior q = plain.encode(x);
        INDArray klPerDim = VaeMath.klDivergencePerDimension(q.mu(), q.logVar()).mean(0);
        double[] sorted = klPerDim.toDoubleVector();
        java.util.Arrays.sort(sorted);
        double lambda = (sorted[1] + sorted[2]) / 2; // two dimensions below the floor, two above
        double beta = 1.5;
        VaeModel free = VaeModel.create(with(Objective.elbo(beta, "constant").withFreeBits(lambda)), DataType.DOUBLE,
                null);
        assertEquals(plain.network().params(), free.network().params(), "same seed, same weights");
        Nd4j.getRandom().setSeed(9);
        double base = plain.network().score(new DataSet(x, x), true);
        Nd4j.getRandom().setSeed(9);
        double s = free.network().score(new DataSet(x, x), true);
        double expected = beta * Transforms.max(klPerDim, lambda).sumNumber().doubleValue();
        assertEquals(expected, s - base, 1e-9);
    }

    @Test
    void aLossThatGetsKRowsOutsideAnIwaePassSaysSo() {
        INDArray x = TestData.binary(2, 3, 1, DataType.DOUBLE);
        INDArray logits = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        IllegalArgumentException[] thrown = new IllegalArgumentException[1];
        Thread t = new Thread(() -> thrown[0] = assertThrows(IllegalArgumentException.class,
                () -> new LossBernoulli().computeScore(x, logits, new ActivationSigmoid(), null, true)));
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(thrown[0].getMessage().startsWith("the loss got 6 rows of network output for 2 examples, which only "
                + "the IWAE objective's training pass produces"), thrown[0].getMessage());
    }

    @Test
    void iwaeModelTrainsAndKeepsItsObjectiveThroughSaveAndLoad(@TempDir Path dir) throws IOException {
        VaeConfig c = with(Objective.iwae(5));
        VaeModel m = VaeModel.create(c);
        INDArray x = TestData.binary(64, 20, 11, DataType.FLOAT);
        DataSet ds = new DataSet(x, x);
        Nd4j.getRandom().setSeed(1);
        double first = m.network().score(ds, true);
        for (int i = 0; i < 60; i++) {
            m.network().fit(ds);
        }
        Nd4j.getRandom().setSeed(1);
        double last = m.network().score(ds, true);
        assertTrue(last < first - 1, "IWAE training lowers its bound: " + first + " -> " + last);
        Path file = dir.resolve("iwae.zip");
        m.save(file);
        VaeModel back = VaeModel.load(file);
        assertEquals(c.objective(), back.config().objective());
        VariationalLayer layer = (VariationalLayer) back.network().getLayer(VaeNetwork.LATENT).conf().getLayer();
        assertEquals(c.objective(), layer.objective());
        assertEquals(m.reconstruct(x), back.reconstruct(x));
    }

    /** The weight the layer applies (not the trainer's arithmetic) follows the cyclical schedule over the config's epochs. */
    @Test
    void theLayerAppliesTheCyclicalWeightOfTheRunsEpochs() {
        VaeModel m = VaeModel.create(with(Objective.elbo(2.0, "cyclical:2:0.5")).withOverrides(Map.of("epochs", 4)));
        double[] expected = {0, 2, 0, 2};
        for (double w : expected) {
            assertEquals(w, m.klWeight(), 1e-12);
            m.network().incrementEpochCount();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VariationalLayer.Builder()
                .nOut(2).objective(Objective.elbo(1.0, "cyclical:4:0.5")).build());
        assertTrue(e.getMessage().contains("has more cycles than the run has epochs (trainingEpochs 1)"), e.getMessage());
    }

    /** Layers saved before the KL schedule carry klWarmupEpochs in their DL4J JSON; it reads as linear:N. */
    @Test
    void aSavedLayerWithKlWarmupEpochsReadsAsALinearSchedule() {
        String json = VaeNetwork.configuration(SMALL, DataType.FLOAT).toJson();
        assertTrue(json.contains("\"klSchedule\" : \"constant\""), "the layer's JSON field as written today");
        String old = json.replace("\"klSchedule\" : \"constant\"", "\"klWarmupEpochs\" : 3");
        var conf = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(old);
        var layer = (VariationalLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices()
                .get(VaeNetwork.LATENT)).getLayerConf().getLayer();
        assertEquals("linear:3", layer.objective().klSchedule());
    }
}
