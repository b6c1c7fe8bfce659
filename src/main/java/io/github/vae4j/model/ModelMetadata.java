package io.github.vae4j.model;

import io.github.vae4j.config.VaeConfig;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Provenance saved inside every vae4j model file as {@value ModelFile#METADATA_ENTRY}.
 *
 * @param formatVersion model file format version ({@link #FORMAT_VERSION})
 * @param config        the full hyperparameters
 * @param seed          the training seed (same as {@code config.seed()}, repeated for quick reading)
 * @param datasetId     data set the model was trained on ("mnist10k", "fashion", "idx:/dir", ...), or null
 * @param datasetSha256 SHA-256 of the training data files, or null when unknown
 * @param metrics       final metrics (e.g. "test_loss", "test_recon", "test_kl", "train_loss", "epochs")
 * @param vae4jVersion  library version that wrote the file
 * @param dl4jVersion   Deeplearning4j version
 * @param javaVersion   Java runtime version
 * @param os            operating system and architecture
 * @param gitCommit     git commit of the working directory that trained it, or "unknown"
 * @param createdAt     ISO-8601 UTC time of writing
 */
public record ModelMetadata(
        int formatVersion,
        VaeConfig config,
        long seed,
        String datasetId,
        String datasetSha256,
        Map<String, Double> metrics,
        String vae4jVersion,
        String dl4jVersion,
        String javaVersion,
        String os,
        String gitCommit,
        String createdAt) {

    /**
     * Current model file format version: 2 (layer classes in packages nn and engine, config schema 2). {@link ModelFile}
     * also reads version 1 and refuses any other.
     */
    public static final int FORMAT_VERSION = 2;

    public ModelMetadata {
        metrics = metrics == null ? Map.of() : Map.copyOf(new TreeMap<>(metrics));
    }

    /** Metadata for a new, untrained model of {@code config}, stamped with this runtime. */
    public static ModelMetadata forNewModel(VaeConfig config) {
        Properties build = BuildInfo.PROPERTIES;
        return new ModelMetadata(FORMAT_VERSION, config, config.seed(), null, null, Map.of(),
                build.getProperty("vae4j.version", "unknown"), build.getProperty("dl4j.version", "unknown"),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                BuildInfo.GIT_COMMIT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** A copy with the data set recorded. */
    public ModelMetadata withDataset(String id, String sha256) {
        return new ModelMetadata(formatVersion, config, seed, id, sha256, metrics, vae4jVersion, dl4jVersion,
                javaVersion, os, gitCommit, createdAt);
    }

    /** A copy stamped with the current {@link #FORMAT_VERSION} (for a model read from an older format). */
    public ModelMetadata withCurrentFormat() {
        return new ModelMetadata(FORMAT_VERSION, config, seed, datasetId, datasetSha256, metrics, vae4jVersion,
                dl4jVersion, javaVersion, os, gitCommit, createdAt);
    }

    /** A copy with metrics replaced and the creation time refreshed. */
    public ModelMetadata withMetrics(Map<String, Double> newMetrics) {
        return new ModelMetadata(formatVersion, config, seed, datasetId, datasetSha256, newMetrics, vae4jVersion,
                dl4jVersion, javaVersion, os, gitCommit, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** Build-time properties (filtered by Maven) and the git commit of the working directory. */
    static final class BuildInfo {
        static final Properties PROPERTIES = load();
        /** Looked up once per JVM: a subprocess per model creation would slow tests and benchmarks. */
        static final String GIT_COMMIT = gitCommit();

        private static Properties load() {
            Properties p = new Properties();
            try (InputStream in = ModelMetadata.class.getResourceAsStream("/vae4j-build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // versions then read "unknown"
            }
            return p;
        }

        private static String gitCommit() {
            try {
                Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "unknown";
                }
                String out = new String(p.getInputStream().readAllBytes()).trim();
                return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        private BuildInfo() {
        }
    }
}
