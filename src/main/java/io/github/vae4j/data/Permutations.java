package io.github.vae4j.data;

import java.util.Random;

/** Seeded Fisher–Yates permutations. */
public final class Permutations {
    private Permutations() {
    }

    public static int[] shuffled(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
