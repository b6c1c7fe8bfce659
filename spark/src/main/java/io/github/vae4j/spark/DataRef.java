package io.github.vae4j.spark;

import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A data set as the command line names it ({@code mnist10k}, {@code fashion:DIR}, {@code idx:DIR}, {@code csv:FILE})
 * with its reading options, small enough to ship to the executors, which read the data themselves: the paths must
 * exist on every executor (a shared or replicated file system; {@code mnist10k} is inside vae4j's jar).
 */
public record DataRef(String spec, String fashionDir, int csvLabelColumn, boolean csvHeader, String csvNormalizer,
                      double testFraction, long seed) implements Serializable {

    /** One read per JVM and data set: every task of an executor shares it. */
    private static final Map<DataRef, DataSplit> READ = new ConcurrentHashMap<>();

    /** The data set named on the driver; relative paths are made absolute, since executors run elsewhere. */
    public static DataRef of(String spec, DataOptions o) {
        String absolute = spec;
        for (String prefix : new String[] {"idx:", "csv:", "fashion:"}) {
            if (spec.regionMatches(true, 0, prefix, 0, prefix.length())) {
                absolute = spec.substring(0, prefix.length())
                        + Path.of(spec.substring(prefix.length())).toAbsolutePath().normalize();
            }
        }
        return new DataRef(absolute, o.fashionDir().toAbsolutePath().normalize().toString(), o.csvLabelColumn(),
                o.csvHeader(), o.csvNormalizer(), o.testFraction(), o.seed());
    }

    public DataOptions options() {
        return new DataOptions(Path.of(fashionDir), csvLabelColumn, csvHeader, csvNormalizer, testFraction, seed);
    }

    /** The data set, read once in this JVM. */
    public DataSplit read() {
        return READ.computeIfAbsent(this, r -> DataSets.load(r.spec, r.options()));
    }
}
