package io.github.vae4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The vae4j model file: a standard DL4J {@link ModelSerializer} zip (configuration.json, coefficients.bin,
 * updaterState.bin, optional normalizer.bin) plus the entry {@value #METADATA_ENTRY}. Plain DL4J code restores
 * it with {@code ComputationGraph.load(file, false)} when vae4j's jar is on the classpath.
 *
 * <p>Writes go to a temporary file in the target directory that is moved into place atomically, so a failure never
 * leaves a half-written model behind.
 */
public final class ModelFile {

    /** Zip entry that holds {@link ModelMetadata} as JSON. */
    public static final String METADATA_ENTRY = "vae4j-metadata.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /** The network, metadata and normalizer read back from a file. */
    public record Contents(ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer) {
    }

    static void write(Path target, ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            ModelSerializer.writeModel(graph, tmp.toFile(), true);
            if (normalizer != null) {
                // writeModel(..., normalizer) closes its stream early in 1.0.0-M2.1 ("flush() failed"); add it after
                ModelSerializer.addNormalizerToModel(tmp.toFile(), normalizer);
            }
            try (FileSystem zip = FileSystems.newFileSystem(tmp);
                 OutputStream out = Files.newOutputStream(zip.getPath(METADATA_ENTRY))) {
                JSON.writeValue(out, metadata);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads only the metadata (fast: no network is restored). */
    public static ModelMetadata readMetadata(Path file) throws IOException {
        try (ZipFile zip = openZip(file)) {
            ZipEntry e = zip.getEntry(METADATA_ENTRY);
            if (e == null) {
                throw new IOException("not a vae4j model: " + file + " has no " + METADATA_ENTRY
                        + " entry (a plain DL4J model? load it with ComputationGraph.load)");
            }
            ModelMetadata m;
            try (InputStream in = zip.getInputStream(e)) {
                m = JSON.readValue(in, ModelMetadata.class);
            } catch (IOException | IllegalArgumentException ex) {
                throw new IOException("corrupt vae4j metadata in " + file + ": " + firstLine(ex.getMessage()), ex);
            }
            if (m.formatVersion() != ModelMetadata.FORMAT_VERSION) {
                throw new IOException("unsupported vae4j model format version " + m.formatVersion() + " in " + file
                        + " (this vae4j reads version " + ModelMetadata.FORMAT_VERSION + ")");
            }
            if (m.config() == null) {
                throw new IOException("corrupt vae4j metadata in " + file + ": no config");
            }
            return m;
        }
    }

    static Contents read(Path file) throws IOException {
        ModelMetadata metadata = readMetadata(file);
        ComputationGraph graph;
        DataNormalization normalizer;
        try {
            graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
            normalizer = ModelSerializer.restoreNormalizerFromFile(file.toFile());
        } catch (RuntimeException e) {
            throw new IOException("corrupt model file " + file + ": " + firstLine(e.getMessage()), e);
        }
        return new Contents(graph, metadata, normalizer);
    }

    private static ZipFile openZip(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new IOException("not a vae4j model: " + file + " is not a zip file (" + e.getMessage() + ")", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
