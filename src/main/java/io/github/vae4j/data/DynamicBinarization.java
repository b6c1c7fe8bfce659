package io.github.vae4j.data;

import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dynamic binarization (Salakhutdinov &amp; Murray 2008): each time a batch is served, every pixel intensity p in
 * [0, 1] is replaced by a fresh Bernoulli(p) draw, for both features and labels (the reconstruction target). The
 * standard way to train Bernoulli VAEs on grey-level MNIST. Seeded: the same seed gives the same sequence of draws.
 */
public class DynamicBinarization implements DataSetPreProcessor {

    private final Random rng;

    public DynamicBinarization(long seed) {
        this.rng = Seeds.generator(seed);
    }

    @Override
    public void preProcess(DataSet ds) {
        INDArray x = ds.getFeatures();
        // uniform draws from this preprocessor's own generator (never the thread's default one, so results do not
        // depend on which thread serves the batch), in x's memory order so the comparison runs on matching layouts
        INDArray u = Nd4j.createUninitialized(x.dataType(), x.shape(), x.ordering());
        Nd4j.rand(u, rng);
        INDArray b = u.lt(x).castTo(x.dataType());
        ds.setFeatures(b);
        ds.setLabels(b);
    }
}
