package io.github.vae4j.cli;

import io.github.vae4j.data.IdxWriter;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input matrix of docs/errors.md: every row there is a case here, run through the CLI, and its exit code and
 * one-line message must be the documented ones ({@code <tmp>} stands for the test's directory, {@code …} for any
 * text).
 */
class BadInputTest {

    private static final Path DOC = Path.of("docs/errors.md");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\|[^|]*\\| ([a-z-]+) \\| (\\d) \\| `(.*)` \\|$");

    @TempDir
    static Path tmp;
    private static Path model;
    private static Path conditionalModel;
    private static final Map<String, List<String>> CASES = new LinkedHashMap<>();

    @BeforeAll
    static void fixtures() throws Exception {
        Path m = tmp.resolve("model");
        List<String> small = List.of("--encoder", "16", "--decoder", "16", "--latent", "2", "--epochs", "1",
                "--max-batches", "2", "--no-images", "--no-progress");
        assertEquals(0, CliRoundTripTest.run(concat(List.of("train", "--out", m.toString()), small)).code());
        model = m.resolve("model.zip");
        Path c = tmp.resolve("cmodel");
        assertEquals(0, CliRoundTripTest.run(concat(List.of("train", "--conditional", "--out", c.toString()), small))
                .code());
        conditionalModel = c.resolve("model.zip");

        // IDX
        Path wrongMagic = idxSet("wrong-magic", 5, 4, 4);
        corrupt(wrongMagic.resolve("a-train-images-idx3-ubyte"), 0, new byte[] {0, 0, 9, 9});
        Path truncated = idxSet("truncated", 5, 4, 4);
        truncate(truncated.resolve("a-train-images-idx3-ubyte"), 16 + 30);
        Path gzip = idxSet("gzip", 5, 4, 4);
        Files.write(gzip.resolve("a-train-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Files.delete(gzip.resolve("a-train-images-idx3-ubyte"));
        Path counts = idxSet("counts", 5, 4, 4);
        IdxWriter.writeLabels(counts.resolve("a-train-labels-idx1-ubyte"), new int[] {1, 2, 3});
        Path empty = idxSet("empty", 0, 4, 4);
        Path small4 = idxSet("size", 20, 4, 4);
        CASES.put("idx-wrong-magic", trainOn("idx:" + wrongMagic));
        CASES.put("idx-truncated", trainOn("idx:" + truncated));
        CASES.put("idx-corrupt-gzip", trainOn("idx:" + gzip));
        CASES.put("idx-count-mismatch", trainOn("idx:" + counts));
        CASES.put("idx-no-examples", trainOn("idx:" + empty));
        CASES.put("idx-model-mismatch", List.of("evaluate", "--model", model.toString(), "--data", "idx:" + small4,
                "--out", tmp.resolve("o").toString()));

        // CSV
        CASES.put("csv-ragged", trainOn("csv:" + csv("ragged", "1,2,3\n4,5\n6,7,8\n")));
        CASES.put("csv-non-numeric", trainOn("csv:" + csv("text", "1,2,3\n4,x,6\n7,8,9\n")));
        CASES.put("csv-nan", trainOn("csv:" + csv("nan", "1,2,3\n4,5,6\n7,NaN,9\n1,1,1\n")));
        CASES.put("csv-empty", trainOn("csv:" + csv("empty", "")));
        List<String> label = new ArrayList<>(trainOn("csv:" + csv("label", "1,2,3\n4,5,6\n7,8,9\n1,1,1\n")));
        label.addAll(List.of("--csv-label-column", "5"));
        CASES.put("csv-label-column", label);
        List<String> constant = new ArrayList<>(trainOn("csv:" + csv("constant", rows(20, true))));
        constant.addAll(List.of("--csv-normalizer", "standardize"));
        CASES.put("csv-constant-column", constant);

        // model files
        CASES.put("model-not-zip", info(Files.writeString(tmp.resolve("text.zip"), "not a zip")));
        Path cut = tmp.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(model), (int) (Files.size(model) / 2)));
        CASES.put("model-truncated", info(cut));
        CASES.put("model-plain-dl4j", info(plainDl4j()));
        CASES.put("model-newer-format", info(withMetadata("newer.zip", j -> j.replaceFirst(
                "\"formatVersion\" ?: ?\\d+", "\"formatVersion\" : 99"))));
        CASES.put("model-no-config", info(withMetadata("noconfig.zip", j -> {
            try {
                var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(j);
                tree.remove("config");
                return JSON.writeValueAsString(tree);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })));
        CASES.put("model-missing", info(tmp.resolve("absent.zip")));
        CASES.put("model-unknown-name", info(Path.of("mnist-xl")));
        Path badChecksum = Files.createDirectories(tmp.resolve("models").resolve("mnist-mlp"));
        Files.copy(model, badChecksum.resolve("model.zip"));
        Files.writeString(badChecksum.resolve("model.zip.sha256"), "0".repeat(64) + "  model.zip\n");
        CASES.put("model-checksum", info(badChecksum));
        CASES.put("model-input-size", List.of("evaluate", "--model", model.toString(), "--data",
                "csv:" + csv("wide", rows(20, false)), "--out", tmp.resolve("o").toString()));
        Path labels12 = idxSet("labels12", 30, 28, 28);
        IdxWriter.writeLabels(labels12.resolve("a-train-labels-idx1-ubyte"), cycle(30, 12));
        CASES.put("model-classes", List.of("evaluate", "--model", conditionalModel.toString(), "--data",
                "idx:" + labels12, "--out", tmp.resolve("o").toString()));

        // config and flags
        CASES.put("config-unknown-field", trainWith("--config", json("unknown", "{\"latentSize\": 4, \"lattent\": 3}")));
        CASES.put("config-wrong-type", trainWith("--config", json("type", "{\"latentSize\": \"twenty\"}")));
        CASES.put("config-not-json", trainWith("--config", json("broken", "{\"latentSize\": 4")));
        CASES.put("flag-epochs", trainWith("--epochs", "0"));
        CASES.put("flag-batch-size", trainWith("--batch-size", "0"));
        CASES.put("flag-k", trainWith("--objective", "iwae", "--k", "0"));
        CASES.put("flag-latent", trainWith("--latent", "0"));
        CASES.put("flag-beta", trainWith("--beta", "-1"));
        CASES.put("flag-lr", trainWith("--lr", "NaN"));
        CASES.put("flag-not-a-number", trainWith("--epochs", "ten"));
        CASES.put("flag-unknown", trainWith("--epochz", "3"));
        CASES.put("flag-sample-k", List.of("evaluate", "--model", model.toString(), "--k", "0"));
        CASES.put("resume-no-checkpoint", List.of("train", "--resume", tmp.resolve("nothing").toString()));
        CASES.put("data-unknown", trainOn("mnist"));
        CASES.put("idx-no-directory", trainOn("idx:" + tmp.resolve("nowhere")));
        CASES.put("out-is-a-file", List.of("train", "--out", Files.writeString(tmp.resolve("file"), "x").toString(),
                "--epochs", "1"));
        CASES.put("out-not-writable", List.of("train", "--out", "/proc/vae4j-run", "--epochs", "1"));
        CASES.put("out-under-a-file", List.of("train", "--out", tmp.resolve("file").resolve("run").toString(),
                "--epochs", "1"));
    }

    static List<String> cases() {
        return documented().keySet().stream().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadInputGetsItsDocumentedOneLineMessageAndExitCode(String id) {
        List<String> args = CASES.get(id);
        assertTrue(args != null, "docs/errors.md documents " + id + " but the test has no such case");
        CliRoundTripTest.Run r = CliRoundTripTest.run(args.toArray(new String[0]));
        String[] doc = documented().get(id);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.matches("^\\d\\d:\\d\\d:\\d\\d.*")).toList();
        String actual = lines.isEmpty() ? "" : lines.get(0);
        assertTrue(actual.length() > 0, id + ": no message; out: " + r.out());
        String expected = doc[1].replace("<tmp>", tmp.toString());
        String regex = Pattern.quote(expected).replace("…", "\\E.*\\Q");
        assertTrue(actual.matches(regex), id + ": documented\n  " + expected + "\nactual\n  " + actual
                + "\n(code " + r.code() + ")");
        assertEquals(Integer.parseInt(doc[0]), r.code(), id + ": exit code; " + actual);
        if (r.code() == 1) {
            assertEquals(1, lines.size(), id + ": one line: " + lines);
        }
    }

    @Test
    void everyCaseIsDocumented() {
        assertEquals(CASES.keySet(), documented().keySet(), "the cases here and the rows of docs/errors.md");
    }

    /** id → {exit code, "vae4j COMMAND: error: MESSAGE"} from docs/errors.md. */
    private static Map<String, String[]> documented() {
        Map<String, String[]> rows = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(DOC)) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    rows.put(m.group(1), new String[] {m.group(3), "vae4j " + m.group(2) + ": error: " + m.group(4)});
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return rows;
    }

    private static List<String> trainOn(String data) {
        return List.of("train", "--data", data, "--epochs", "1", "--max-batches", "1", "--no-images", "--no-progress",
                "--out", tmp.resolve("out-" + Math.abs(data.hashCode())).toString());
    }

    private static List<String> trainWith(String... flags) {
        List<String> args = new ArrayList<>(List.of("train", "--max-batches", "1", "--no-images", "--no-progress",
                "--out", tmp.resolve("out-flags").toString()));
        args.addAll(List.of(flags));
        return args;
    }

    private static List<String> info(Path file) {
        return List.of("info", "--model", file.toString());
    }

    /** A labelled IDX training set of n random images in its own directory. */
    private static Path idxSet(String name, int n, int rows, int cols) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("idx-" + name));
        IdxWriter.writeImages(dir.resolve("a-train-images-idx3-ubyte"),
                n == 0 ? Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0, rows * cols)
                        : Nd4j.rand(n, rows * cols), rows, cols);
        IdxWriter.writeLabels(dir.resolve("a-train-labels-idx1-ubyte"), cycle(n, 10));
        return dir;
    }

    private static int[] cycle(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    private static void corrupt(Path file, int at, byte[] bytes) throws IOException {
        byte[] b = Files.readAllBytes(file);
        System.arraycopy(bytes, 0, b, at, bytes.length);
        Files.write(file, b);
    }

    private static void truncate(Path file, int length) throws IOException {
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), length));
    }

    private static Path csv(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name + ".csv"), content);
    }

    /** n rows of 3 columns (the first constant), or of 5 columns when not {@code constantFirst}. */
    private static String rows(int n, boolean constantFirst) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(constantFirst ? "7," + i + "," + (i * i % 7) : i + ",1,2,3," + (i % 3)).append('\n');
        }
        return s.toString();
    }

    private static String json(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name + ".json"), content).toString();
    }

    /** A ComputationGraph saved by plain DL4J (no vae4j metadata). */
    private static Path plainDl4j() throws IOException {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).build(), "h").setOutputs("out").build());
        g.init();
        Path file = tmp.resolve("plain.zip");
        ModelSerializer.writeModel(g, file.toFile(), false);
        return file;
    }

    /** A copy of the model whose metadata JSON is edited. */
    private static Path withMetadata(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path file = tmp.resolve(name);
        Files.copy(model, file);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
            Path entry = zip.getPath("vae4j-metadata.json");
            String json = Files.readString(entry, StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(entry)) {
                out.write(edit.apply(json).getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(new String[0]);
    }
}
