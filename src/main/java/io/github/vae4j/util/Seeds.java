package io.github.vae4j.util;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every random stream of vae4j derives here from the one seed of a run ({@code VaeConfig.seed}, or a command's
 * {@code --seed}): {@link #derive} gives each {@link Stream} and index (an epoch, a row offset) its own seed, so
 * streams never overlap by accident and a reader finds them all in one list.
 *
 * <p>Seeded ND4J random generators. ND4J treats seed 0 as "seed from the clock" (two runs with seed 0 draw different
 * numbers), so every user seed is first mixed (SplitMix64's finalizer, a bijection) and a mixed value of 0 is
 * replaced: equal seeds give equal draws, including seed 0.
 */
public final class Seeds {

    private Seeds() {
    }

    /** The random streams of training and evaluation. */
    public enum Stream {
        /** ε of the reparameterization during training (ND4J's global generator). */
        TRAINING_NOISE,
        /** the order of the training examples in an epoch (index: the epoch). */
        SHUFFLE,
        /** the held-out test rows of data without a test split. */
        TEST_SPLIT,
        /** dynamic binarization of the pixels. */
        BINARIZATION,
        /** the prior draws and test examples shown in the pictures of each epoch. */
        PREVIEW,
        /** z draws of the test −ELBO after each epoch (index: the epoch). */
        TEST_ELBO,
        /** z draws of an ELBO estimate (index: the first row of the batch). */
        ELBO,
        /** z draws of importance sampling (index: the first row of the batch). */
        IMPORTANCE_SAMPLING,
        /** PyTorch-style init of biases and transposed-convolution weights (other weights: DL4J's network seed). */
        BIAS_INIT,
        /** z draws of a model's own objective on test data (a stream added last: the others keep their seeds). */
        OBJECTIVE,
        /** z of generated examples (generate, bench-conditional; index: the first example of the batch). */
        SAMPLES,
        /** classes drawn for generated examples of a conditional model. */
        SAMPLE_LABELS,
        /** test examples picked at random (index 0: interpolation pairs, 1: the t-SNE subsample). */
        SELECTION,
        /** z draws of the inpainting chain (index: the step). */
        CHAIN,
        /** z draws of importance-sampled inpainting (index: the sample). */
        COMPLETION
    }

    /** The seed of {@code stream} number {@code index} for a run with seed {@code seed}. */
    public static long derive(long seed, Stream stream, long index) {
        return mix(mix(seed) + (stream.ordinal() + 1L) * 0x632BE59BD9B4E019L + index);
    }

    /** A new generator whose stream depends only on {@code seed}. */
    public static Random generator(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(mix(seed));
    }

    /** SplitMix64 finalizer of {@code seed}, never 0. */
    public static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 0x2545F4914F6CDD1DL : z;
    }
}
