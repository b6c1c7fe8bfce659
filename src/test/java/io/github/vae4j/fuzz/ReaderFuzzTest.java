package io.github.vae4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataFormatException;
import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.model.VaeModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz tests of everything that reads user files: the IDX reader, the CSV reader, the config parser and the model
 * loader. Each may reject its input only with its documented error (DataFormatException for data, an
 * IllegalArgumentException for a config, an IOException for a model file); any other exception, a hang or a crash
 * is a finding. {@code ./mvnw verify} replays the committed inputs (src/test/resources/io/github/vae4j/fuzz/
 * ReaderFuzzTestInputs/&lt;method&gt;/, found by fuzzing and kept); {@code JAZZER_FUZZ=1 ./mvnw test
 * -Dtest=ReaderFuzzTest#idxReader} fuzzes one target (docs/errors.md).
 */
class ReaderFuzzTest {

    private static final Path DIR = scratch();

    @FuzzTest(maxDuration = "60s")
    void idxReader(FuzzedDataProvider data) throws IOException {
        Path dir = clean("idx");
        boolean labels = data.consumeBoolean();
        byte[] labelBytes = labels ? data.consumeBytes(data.consumeInt(0, 64)) : null;
        byte[] images = data.consumeRemainingAsBytes();
        Files.write(dir.resolve("a-train-images-idx3-ubyte"), images);
        if (labels) {
            Files.write(dir.resolve("a-train-labels-idx1-ubyte"), labelBytes);
        }
        try {
            DataSets.load("idx:" + dir, DataOptions.defaults());
        } catch (DataFormatException expected) {
            // the documented rejection
        }
    }

    @FuzzTest(maxDuration = "60s")
    void csvReader(FuzzedDataProvider data) throws IOException {
        Path file = clean("csv").resolve("data.csv");
        boolean header = data.consumeBoolean();
        int label = data.consumeInt(-1, 4);
        boolean standardize = data.consumeBoolean();
        Files.writeString(file, data.consumeRemainingAsString());
        try {
            DataSets.load("csv:" + file, new DataOptions(DataOptions.DEBIAN_FASHION_DIR, label, header,
                    standardize ? "standardize" : "minmax", 0.1, 42));
        } catch (DataFormatException expected) {
            // the documented rejection
        }
    }

    @FuzzTest(maxDuration = "60s")
    void configParser(String json) {
        try {
            VaeConfig.fromJson(json);
        } catch (IllegalArgumentException expected) {
            // the documented rejection
        }
    }

    @FuzzTest(maxDuration = "60s")
    void modelLoader(byte[] bytes) throws IOException {
        Path file = clean("model").resolve("model.zip");
        Files.write(file, bytes);
        try {
            VaeModel.load(file);
        } catch (IOException expected) {
            // the documented rejection
        }
    }

    private static Path clean(String name) throws IOException {
        Path dir = DIR.resolve(name);
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private static Path scratch() {
        try {
            Path dir = Files.createTempDirectory("vae4j-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
