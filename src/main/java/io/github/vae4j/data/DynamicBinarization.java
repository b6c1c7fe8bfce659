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
 * standard way to train Bernoulli VAEs on grey-level MNIST. Seeded by position: the draws of batch b in epoch e
 * come from a generator seeded with (seed, e, b), so a run resumed in the middle of an epoch draws what the
 * uninterrupted run drew ({@link ShuffledBatchIterator} passes the position; a plain {@link #preProcess(DataSet)}
 * counts the batches it has seen as epoch 0's).
 */
public class DynamicBinarization implements DataSetPreProcessor {

    private final long seed;
    private int served;

    public DynamicBinarization(long seed) {
        this.seed = seed;
    }

    @Override
    public void preProcess(DataSet ds) {
        preProcess(ds, 0, served++);
    }

    /** Binarizes batch {@code batch} (0-based) of epoch {@code epoch} (0-based) with that position's draws. */
    public void preProcess(DataSet ds, int epoch, int batch) {
        Random rng = Seeds.generator(Seeds.derive(seed, Seeds.Stream.BINARIZATION, ((long) epoch << 32) | batch));
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
