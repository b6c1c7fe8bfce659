package io.github.vae4j.train;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.Elbo;
import io.github.vae4j.model.VaeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quality bar: the 784-400-20 Bernoulli reference model (Adam 1e-3, batch 128, seed 42), 30 epochs on mnist10k
 * (9,003 train / 997 test), reaches a test negative ELBO of at most 113.5 nats per example.
 */
class ReferenceQualityTest {

    @Test
    void referenceModelReachesTheQualityBar(@TempDir Path dir) throws Exception {
        VaeConfig c = VaeConfig.load(Path.of("configs/mnist-reference.json"));
        assertEquals(30, c.epochs());
        DataSplit data = DataSets.mnist10k();
        TrainingResult r = new VaeTrainer(c, new VaeTrainer.Options(dir, 0, false, false, false)).train(data);
        // re-evaluate the saved model with 10 z draws per example for a lower-variance estimate
        VaeModel m = VaeModel.load(r.modelPath());
        Elbo e = m.elbo(data.testX(), 10, 7);
        double testLoss = e.meanNegativeElbo();
        System.out.printf("reference model: test -ELBO %.3f nats (recon %.3f, kl %.3f), %.0f ex/s%n", testLoss,
                e.meanReconstruction(), e.meanKl(), r.last().examplesPerSecond());
        assertTrue(testLoss <= 113.5, "test negative ELBO " + testLoss + " > 113.5");
        assertTrue(testLoss > 80, "implausibly low test loss " + testLoss);
    }
}
