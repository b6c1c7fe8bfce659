package io.github.vae4j.model;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded ND4J random generators. ND4J treats seed 0 as "seed from the clock" (two runs with seed 0 draw different
 * numbers), so every user seed is first mixed (SplitMix64's finalizer, a bijection) and a mixed value of 0 is
 * replaced: equal seeds give equal draws, including seed 0.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A new generator whose stream depends only on {@code seed}. */
    public static Random generator(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(mix(seed));
    }

    /** SplitMix64 finalizer of {@code seed}, never 0. */
    static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 0x2545F4914F6CDD1DL : z;
    }
}
