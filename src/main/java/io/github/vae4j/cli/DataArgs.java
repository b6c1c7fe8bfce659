package io.github.vae4j.cli;

import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Data-set flags shared by the commands that read data (and by the Spark module's command). */
public final class DataArgs {

    @Option(names = "--data", defaultValue = "mnist10k", paramLabel = "SET",
            description = "Data set: mnist10k (embedded), fashion[:DIR], idx:DIR or csv:FILE (default: ${DEFAULT-VALUE}).")
    String data;

    /** The data set as the flags name it ({@code --data}). */
    public String spec() {
        return data;
    }

    /** The data set the flags name, read with their options and {@code seed} for a holdout split. */
    public DataSplit load(long seed) {
        return DataSets.load(data, options(seed));
    }

    @Option(names = "--fashion-dir", defaultValue = "/usr/share/datasets/fashion-mnist", paramLabel = "DIR",
            description = "Fashion-MNIST directory for --data fashion (default: ${DEFAULT-VALUE}, Debian's dataset-fashion-mnist).")
    Path fashionDir;

    @Option(names = "--csv-label-column", defaultValue = "-1", paramLabel = "N",
            description = "0-based label column of a CSV file, -1 for none (default: ${DEFAULT-VALUE}).")
    int csvLabelColumn;

    @Option(names = "--csv-header", description = "The CSV file's first line is a header.")
    boolean csvHeader;

    @Option(names = "--csv-normalizer", defaultValue = "minmax", paramLabel = "KIND",
            description = "CSV normalizer fitted on the training rows: minmax or standardize (default: ${DEFAULT-VALUE}).")
    String csvNormalizer;

    @Option(names = "--test-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "Holdout fraction when the data has no test split (default: ${DEFAULT-VALUE}).")
    double testFraction;

    /** The reading options of the flags, with {@code seed} for a holdout split. */
    public DataOptions options(long seed) {
        return new DataOptions(fashionDir, csvLabelColumn, csvHeader, csvNormalizer, testFraction, seed);
    }
}
