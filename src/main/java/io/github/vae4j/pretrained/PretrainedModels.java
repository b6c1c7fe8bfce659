package io.github.vae4j.pretrained;

import io.github.vae4j.data.DataSets;
import io.github.vae4j.model.VaeModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The pretrained models by name: {@code models/<name>/model.zip} with its {@code model.zip.sha256} and
 * {@code MODEL_CARD.md}. A name is looked up in the models folder ({@code -Dvae4j.models=DIR}, which the launcher
 * sets to the repository's {@code models/}; else {@code ./models}) and then in the jar, which packs the same files
 * (from the jar, a model is copied to a temporary file once per JVM, its checksum verified, and the copy deleted at
 * exit).
 */
public final class PretrainedModels {

    /** {@link #NAMES} as one constant, for help texts (picocli descriptions must be compile-time constants). */
    public static final String NAMES_TEXT = "mnist-mlp, mnist-conv, mnist-cvae, fashion-conv";

    /** Every model in {@code models/}; a test checks this list against the folder. */
    public static final List<String> NAMES = List.of(NAMES_TEXT.split(", "));

    public static final String MODEL_FILE = "model.zip";
    public static final String CHECKSUM_FILE = "model.zip.sha256";
    public static final String CARD_FILE = "MODEL_CARD.md";
    private static final String RESOURCE_ROOT = "/io/github/vae4j/models/";
    /** The verified copy of each model read from the jar, made once per JVM (deleted at exit). */
    private static final java.util.Map<String, Path> FROM_JAR = new java.util.HashMap<>();

    private PretrainedModels() {
    }

    /**
     * What a {@code --model} names, in this order: a regular file is the model file itself; a folder with a
     * {@code model.zip} is a model's folder (its {@code model.zip.sha256}, if it has one, verified); a pretrained
     * model's name is that model ({@link #file}); anything else is returned unchanged for the loader to report as a
     * missing file, except a bare word, which was meant as a name. An existing path wins over a name: a folder
     * {@code ./mnist-mlp} with a model in it is that model.
     *
     * @throws NoSuchFileException for a bare word that is neither a path nor a pretrained name (the message lists
     *                             the names), or a folder without {@code model.zip} that is not a name either
     */
    public static Path resolve(Path modelOrName) throws IOException {
        String s = modelOrName.toString();
        if (Files.isRegularFile(modelOrName)) {
            return modelOrName;
        }
        if (Files.isDirectory(modelOrName) && Files.isRegularFile(modelOrName.resolve(MODEL_FILE))) {
            return verified(modelOrName, false);
        }
        if (NAMES.contains(s)) {
            return file(s);
        }
        if (Files.isDirectory(modelOrName)) {
            throw new NoSuchFileException(s, null, "a folder without " + MODEL_FILE + ", and no pretrained model of "
                    + "that name (pretrained: " + String.join(", ", NAMES) + ")");
        }
        if (modelOrName.getNameCount() == 1 && !s.contains(".")) {
            throw new NoSuchFileException(s, null, "no model file and no pretrained model of that name "
                    + "(pretrained: " + String.join(", ", NAMES) + ")");
        }
        return modelOrName;
    }

    /** The model in file {@code modelOrName}, or the pretrained model of that name ({@link #resolve}). */
    public static VaeModel load(String modelOrName) throws IOException {
        return VaeModel.load(resolve(Path.of(modelOrName)));
    }

    /** The model file of pretrained model {@code name}, its checksum verified. */
    public static Path file(String name) throws IOException {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no pretrained model named '" + name + "' (pretrained: "
                    + String.join(", ", NAMES) + ")");
        }
        Path folder = folder();
        if (folder != null && Files.isRegularFile(folder.resolve(name).resolve(MODEL_FILE))) {
            return verified(folder.resolve(name), true);
        }
        return fromJar(name);
    }

    /**
     * {@code folder/model.zip}, checked against {@code folder/model.zip.sha256}; without that file the model is
     * refused when {@code checksumRequired} (a pretrained model), else taken unchecked (any model's folder).
     */
    static Path verified(Path folder, boolean checksumRequired) throws IOException {
        Path model = folder.resolve(MODEL_FILE);
        Path checksum = folder.resolve(CHECKSUM_FILE);
        if (Files.isRegularFile(checksum)) {
            verify(model, expectedChecksum(Files.readString(checksum), model));
        } else if (checksumRequired) {
            throw new NoSuchFileException(checksum.toString(), null, "a pretrained model without its checksum");
        }
        return model;
    }

    /** The folder of pretrained models: {@code -Dvae4j.models}, else {@code ./models} if it exists, else null. */
    public static Path folder() {
        String property = System.getProperty("vae4j.models");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path local = Path.of("models");
        return Files.isDirectory(local) ? local : null;
    }

    /** SHA-256 of a file, as lower-case hex ({@link DataSets#sha256}). */
    public static String sha256(Path file) throws IOException {
        try {
            return DataSets.sha256(List.of(file.toUri()));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The line {@code sha256sum} writes for a model file, so {@code sha256sum -c model.zip.sha256} checks it. */
    public static String checksumLine(Path model) throws IOException {
        return sha256(model) + "  " + model.getFileName() + "\n";
    }

    /** Fails unless {@code model}'s SHA-256 is {@code expected}. */
    public static void verify(Path model, String expected) throws IOException {
        String actual = sha256(model);
        if (!actual.equals(expected)) {
            throw new IOException("checksum mismatch for " + model + ": SHA-256 is " + actual + ", its "
                    + CHECKSUM_FILE + " says " + expected);
        }
    }

    private static String expectedChecksum(String checksumFile, Path model) throws IOException {
        String[] parts = checksumFile.trim().split("\\s+");
        if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}") || !parts[1].equals(MODEL_FILE)) {
            throw new IOException("corrupt " + CHECKSUM_FILE + " beside " + model + ": expected '<sha256>  "
                    + MODEL_FILE + "', got '" + checksumFile.trim() + "'");
        }
        return parts[0];
    }

    static synchronized Path fromJar(String name) throws IOException {
        Path cached = FROM_JAR.get(name);
        if (cached != null && Files.isRegularFile(cached)) {
            return cached;
        }
        String base = RESOURCE_ROOT + name + "/";
        try (InputStream model = PretrainedModels.class.getResourceAsStream(base + MODEL_FILE);
             InputStream checksum = PretrainedModels.class.getResourceAsStream(base + CHECKSUM_FILE)) {
            if (model == null || checksum == null) {
                throw new NoSuchFileException(name, null, "pretrained model not found: neither in the models folder ("
                        + (folder() == null ? "none; set -Dvae4j.models=DIR" : folder()) + ") nor in vae4j's jar");
            }
            Path tmp = Files.createTempFile("vae4j-" + name + "-", ".zip");
            tmp.toFile().deleteOnExit();
            try {
                Files.copy(model, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                verify(tmp, expectedChecksum(new String(checksum.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), tmp));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            FROM_JAR.put(name, tmp);
            return tmp;
        }
    }
}
