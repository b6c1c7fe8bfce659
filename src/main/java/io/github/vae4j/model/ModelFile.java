package io.github.vae4j.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.util.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The vae4j model file: a standard DL4J {@link ModelSerializer} zip (configuration.json, coefficients.bin,
 * updaterState.bin, optional normalizer.bin) plus the entry {@value #METADATA_ENTRY}. Plain DL4J code restores
 * it with {@code ComputationGraph.load(file, false)} when vae4j's jar is on the classpath.
 *
 * <p>Format 1 (vae4j 0.1) named layer classes that no longer exist; such a file is read by building the network
 * from its stored config (migrated to the current schema) and loading its parameters and updater state
 * ({@code coefficients.bin}, {@code updaterState.bin}) into it, which have the same layout.
 *
 * <p>Writes go to a temporary file in the target directory that is moved into place atomically, so a failure never
 * leaves a half-written model behind.
 */
public final class ModelFile {

    /** Zip entry that holds {@link ModelMetadata} as JSON. */
    public static final String METADATA_ENTRY = "vae4j-metadata.json";

    /** Format 1 model files (vae4j 0.1: MLP only, layer classes in package nn), read through their config. */
    static final int LEGACY_FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addDeserializer(VaeConfig.class, new ConfigReader()));

    private ModelFile() {
    }

    /** The network, metadata and normalizer read back from a file. */
    public record Contents(ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer) {
    }

    /**
     * Writes a model file atomically: DL4J's zip of the graph (with the updater's state, Adam's moments, only when
     * {@code saveUpdater}), the normalizer, vae4j's metadata and any extra entries.
     */
    static void write(Path target, ComputationGraph graph, ModelMetadata metadata, DataNormalization normalizer,
            java.util.Map<String, byte[]> extraEntries, boolean saveUpdater) throws IOException {
        AtomicFiles.write(target, tmp -> {
            ModelSerializer.writeModel(graph, tmp.toFile(), saveUpdater);
            if (normalizer != null) {
                // writeModel(..., normalizer) closes its stream early in 1.0.0-M2.1 ("flush() failed"); add it after
                ModelSerializer.addNormalizerToModel(tmp.toFile(), normalizer);
            }
            try (FileSystem zip = FileSystems.newFileSystem(tmp);
                 OutputStream out = Files.newOutputStream(zip.getPath(METADATA_ENTRY))) {
                JSON.writeValue(out, metadata);
            }
            if (!extraEntries.isEmpty()) {
                try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
                    for (var e : extraEntries.entrySet()) {
                        Files.write(zip.getPath(e.getKey()), e.getValue());
                    }
                }
            }
        });
    }

    /**
     * Writes {@code target} atomically as a copy of the model file {@code source} with more zip entries: the copied
     * entries keep their compressed bytes (no re-serialization), so this is much cheaper than a second save.
     */
    public static void copyWithEntries(Path source, Path target, java.util.Map<String, byte[]> extraEntries)
            throws IOException {
        AtomicFiles.write(target, tmp -> {
            Files.copy(source, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
                for (var e : extraEntries.entrySet()) {
                    Files.write(zip.getPath(e.getKey()), e.getValue());
                }
            }
        });
    }

    /** The bytes of zip entry {@code entry} of a model file, or empty when it has none. */
    public static java.util.Optional<byte[]> readEntry(Path file, String entry) throws IOException {
        try (ZipFile zip = openZip(file)) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                return java.util.Optional.empty();
            }
            try (InputStream in = zip.getInputStream(e)) {
                return java.util.Optional.of(in.readAllBytes());
            }
        } catch (RuntimeException e) {
            throw corrupt(file, e);
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
            if (m.formatVersion() != ModelMetadata.FORMAT_VERSION && m.formatVersion() != LEGACY_FORMAT_VERSION) {
                throw new IOException("unsupported vae4j model format version " + m.formatVersion() + " in " + file
                        + " (this vae4j reads versions " + LEGACY_FORMAT_VERSION + " to " + ModelMetadata.FORMAT_VERSION
                        + ")");
            }
            if (m.config() == null) {
                throw new IOException("corrupt vae4j metadata in " + file + ": no config");
            }
            return m;
        } catch (RuntimeException e) {
            // the JDK's zip reader throws unchecked exceptions for some damage (an entry name that is not UTF-8)
            throw corrupt(file, e);
        }
    }

    private static IOException corrupt(Path file, RuntimeException e) {
        return new IOException("corrupt model file " + file + ": " + firstLine(e.getMessage() == null
                ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    static Contents read(Path file) throws IOException {
        ModelMetadata metadata = readMetadata(file);
        ComputationGraph graph;
        DataNormalization normalizer;
        try {
            graph = metadata.formatVersion() == LEGACY_FORMAT_VERSION ? readLegacyGraph(file, metadata.config())
                    : ModelSerializer.restoreComputationGraph(file.toFile(), true);
            normalizer = ModelSerializer.restoreNormalizerFromFile(file.toFile());
            VaeNetwork.attachUpdater(graph);
        } catch (RuntimeException e) {
            throw corrupt(file, e);
        }
        return new Contents(graph, metadata.withCurrentFormat(), normalizer);
    }

    /** A format-1 file's network: built from its config, parameters (and Adam state, if stored) loaded into it. */
    private static ComputationGraph readLegacyGraph(Path file, VaeConfig config) throws IOException {
        try (ZipFile zip = openZip(file)) {
            INDArray params = readArray(zip, "coefficients.bin", file);
            ComputationGraph graph = VaeNetwork.build(config, params.dataType() == DataType.DOUBLE ? DataType.DOUBLE
                    : DataType.FLOAT);
            if (params.length() != graph.numParams()) {
                throw new IOException("format 1 model " + file + " has " + params.length()
                        + " parameters but its config describes " + graph.numParams());
            }
            graph.setParams(params.reshape(1, params.length()));
            if (zip.getEntry("updaterState.bin") != null && graph.getUpdater(true) != null) {
                INDArray state = readArray(zip, "updaterState.bin", file);
                INDArray view = graph.getUpdater().getStateViewArray();
                if (view == null || view.length() != state.length()) {
                    throw new IOException("format 1 model " + file + " has an updater state of " + state.length()
                            + " values but its config's updater needs " + (view == null ? 0 : view.length()));
                }
                view.assign(state.reshape(view.shape()));
            }
            // the counters Adam's bias correction and the KL warm-up read
            JsonNode conf = readJson(zip, "configuration.json", file);
            graph.getConfiguration().setIterationCount(conf.path("iterationCount").asInt(0));
            graph.getConfiguration().setEpochCount(conf.path("epochCount").asInt(0));
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                layer.setIterationCount(graph.getConfiguration().getIterationCount());
                layer.setEpochCount(graph.getConfiguration().getEpochCount());
            }
            return graph;
        }
    }

    private static JsonNode readJson(ZipFile zip, String entry, Path file) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new IOException("corrupt model file " + file + ": no " + entry + " entry");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return JSON.readTree(in);
        }
    }

    private static INDArray readArray(ZipFile zip, String entry, Path file) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new IOException("corrupt model file " + file + ": no " + entry + " entry");
        }
        try (InputStream in = zip.getInputStream(e); java.io.DataInputStream data = new java.io.DataInputStream(in)) {
            return Nd4j.read(data);
        }
    }

    /** Reads a stored config through {@link VaeConfig#fromTree}, which migrates older schemas. */
    private static final class ConfigReader extends StdDeserializer<VaeConfig> {
        ConfigReader() {
            super(VaeConfig.class);
        }

        @Override
        public VaeConfig deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode tree = p.readValueAsTree();
            return VaeConfig.fromTree(tree);
        }
    }

    private static ZipFile openZip(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new IOException("not a vae4j model: " + file + " is not a zip file, or a truncated one ("
                    + e.getMessage() + ")", e);
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
