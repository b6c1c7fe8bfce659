package io.github.vae4j.data;

import java.nio.file.Path;

/**
 * How to read a data set.
 *
 * @param fashionDir    directory of the Fashion-MNIST IDX files for the id "fashion"
 * @param csvLabelColumn 0-based label column of a CSV file, or -1 for none
 * @param csvHeader     whether the CSV file's first line is a header
 * @param csvNormalizer "minmax" (to [0, 1]) or "standardize" (zero mean, unit variance), fitted on training rows
 * @param testFraction  fraction held out (seeded) when the data set has no test split, in (0, 1)
 * @param seed          seed of the holdout split
 */
public record DataOptions(Path fashionDir, int csvLabelColumn, boolean csvHeader, String csvNormalizer,
                          double testFraction, long seed) {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public DataOptions {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
        if (!"minmax".equals(csvNormalizer) && !"standardize".equals(csvNormalizer)) {
            throw new IllegalArgumentException("csvNormalizer must be minmax or standardize, got " + csvNormalizer);
        }
        if (csvLabelColumn < -1) {
            throw new IllegalArgumentException("csvLabelColumn must be >= 0, or -1 for none, got " + csvLabelColumn);
        }
    }

    public static DataOptions defaults() {
        return new DataOptions(DEBIAN_FASHION_DIR, -1, false, "minmax", 0.1, 42);
    }

    public DataOptions withFashionDir(Path dir) {
        return new DataOptions(dir, csvLabelColumn, csvHeader, csvNormalizer, testFraction, seed);
    }

    /** These options with the seed of the holdout split (a model's training seed). */
    public DataOptions withSeed(long seed) {
        return new DataOptions(fashionDir, csvLabelColumn, csvHeader, csvNormalizer, testFraction, seed);
    }
}
