package io.github.vae4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.config.Block;
import io.github.vae4j.config.Likelihood;
import io.github.vae4j.config.OutputHead;
import io.github.vae4j.config.VaeConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch beside vae4j in {@code vae4j bench}: the reference script {@code src/bench/python/torch_vae.py} (shipped in
 * the jar) runs in a child process in its {@code --serve} mode and trains one epoch per command, so the benchmark can
 * alternate epochs between the systems. It gets the same training and test images (written as IDX files), the same
 * model, batch size, learning rate, seed, init family and loss reduction, and runs as a tuned PyTorch user would run it:
 * {@code torch.set_num_threads} = the machine's cores, Debian's OpenBLAS single-threaded inside torch's OpenMP threads,
 * and the OPENBLAS_CORETYPE that {@code bin/native-env.sh} picked for ND4J.
 */
public final class PytorchPeer implements AutoCloseable {

    /** How to get PyTorch on Debian, said when it is missing. */
    public static final String INSTALL_HINT = "install it with: sudo apt-get install python3-torch libopenblas0-pthread";

    private static final String SCRIPT = "/io/github/vae4j/bench/python/torch_vae.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One epoch as PyTorch timed it (its own clock, around its training loop only). */
    public record Epoch(double seconds, long examples, double loss) {
        public double examplesPerSecond() {
            return examples / seconds;
        }
    }

    /** PyTorch's test −ELBO (mean over draws) and importance-sampled log p(x). */
    public record Evaluation(double negativeElbo, double logLikelihood, int k, double seconds) {
    }

    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final String version;
    private final int threads;

    private PytorchPeer(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        JsonNode ready = read();
        if (!ready.path("ready").asBoolean(false)) {
            throw new IOException("the PyTorch peer did not start: " + ready);
        }
        this.version = ready.path("torch").asText();
        this.threads = ready.path("threads").asInt();
    }

    /** The Python that has Debian's python3-torch: /usr/bin/python3 where it exists, else python3 on the PATH. */
    public static String defaultPython() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Why PyTorch cannot run with {@code python}, with the install hint; null when it can. */
    public static String unavailableReason(String python) {
        Path log = null;
        try {
            log = Files.createTempFile("vae4j-torch-check", ".log");
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " -c 'import torch' did not finish in 60 s";
            }
            String text = Files.readString(log).trim();
            if (p.exitValue() != 0) {
                String last = text.isEmpty() ? "exit " + p.exitValue() : text.substring(text.lastIndexOf('\n') + 1);
                return "PyTorch is not importable by " + python + " (" + last + "); " + INSTALL_HINT;
            }
            return null;
        } catch (IOException e) {
            return python + " cannot be started (" + e.getMessage() + "); " + INSTALL_HINT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /**
     * The torch_vae.py model for {@code c} ("mlp": the reference 784-400-20 MLP; "conv": conv-mnist), or null when
     * the script does not implement this architecture.
     */
    public static String architecture(VaeConfig c) {
        boolean plainObjective = c.objective().equals(io.github.vae4j.config.Objective.elbo());
        boolean sameTraining = c.updater() == io.github.vae4j.config.UpdaterType.ADAM
                && (c.uniformBiasInit() || "xavier".equals(c.weightInit()));
        if (!plainObjective || !sameTraining || c.likelihood() != Likelihood.BERNOULLI || c.latentSize() != 20 || !"relu".equals(c.activation())
                || !List.of(1, 28, 28).equals(c.inputShape()) && !List.of(784).equals(c.inputShape())) {
            return null;
        }
        if (c.encoder().equals(List.of(new Block.Dense(400))) && c.decoder().equals(List.of(new Block.Dense(400)))
                && !c.outputHead().isDeconv()) {
            return "mlp";
        }
        List<Block> encoder = List.of(new Block.Conv(32, 3, 2, 1), new Block.Conv(64, 3, 2, 1), new Block.Dense(256));
        List<Block> decoder = List.of(new Block.Dense(256), new Block.Dense(3136), new Block.Reshape(64, 7, 7),
                new Block.Deconv(32, 4, 2, 1));
        if (c.encoder().equals(encoder) && c.decoder().equals(decoder) && c.outputHead().equals(OutputHead.deconv(4, 2, 1))) {
            return "conv";
        }
        return null;
    }

    /**
     * Starts the peer on the given images ([n, 1, 28, 28] or [n, 784], values k/255), written to {@code workDir}.
     *
     * @param threads torch.set_num_threads
     */
    public static PytorchPeer start(String python, String architecture, INDArray trainX, INDArray testX, VaeConfig c,
            int threads, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path train = writeIdx(trainX, workDir.resolve("train-images-idx3-ubyte"));
        Path test = writeIdx(testX, workDir.resolve("test-images-idx3-ubyte"));
        Path script = workDir.resolve("torch_vae.py");
        try (InputStream s = PytorchPeer.class.getResourceAsStream(SCRIPT)) {
            if (s == null) {
                throw new IOException("the jar lacks " + SCRIPT + " (rebuild with ./mvnw package)");
            }
            Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--serve", "--quiet",
                "--arch", architecture, "--train-idx", train.toString(), "--test-idx", test.toString(),
                "--batch-size", Integer.toString(c.batchSize()), "--lr", Double.toString(c.learningRate()),
                "--seed", Long.toString(c.seed()), "--threads", Integer.toString(threads),
                "--init", c.uniformBiasInit() ? "torch" : "xavier", "--reduction", "mean", "--logvar-clamp", "soft"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", "1");
        Process process = pb.start();
        try {
            return new PytorchPeer(process);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Trains one epoch. */
    public Epoch epoch() throws IOException {
        JsonNode r = command("epoch");
        return new Epoch(r.path("seconds").asDouble(), r.path("examples").asLong(), r.path("loss").asDouble());
    }

    /** Evaluates on the test images: −ELBO averaged over {@code elboSamples} draws, log p(x) with k samples. */
    public Evaluation evaluate(int k, int elboSamples) throws IOException {
        JsonNode r = command("eval " + k + " " + elboSamples);
        return new Evaluation(r.path("test_neg_elbo").asDouble(), r.path("test_log_px").asDouble(), r.path("k").asInt(),
                r.path("seconds").asDouble());
    }

    /** The torch version the peer runs. */
    public String version() {
        return version;
    }

    /** torch.get_num_threads() in the peer. */
    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode command(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
        JsonNode r = read();
        if (r.has("error")) {
            throw new IOException("the PyTorch peer failed on '" + line + "': " + r.get("error").asText());
        }
        return r;
    }

    /** The peer's next answer; fails when it exits or answers nothing for {@value #ANSWER_SECONDS} s. */
    private JsonNode read() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
        while (!out.ready()) {
            if (!process.isAlive()) {
                throw new IOException("the PyTorch peer exited (code " + exitCode() + "); its error output is above");
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the PyTorch peer answered nothing for " + ANSWER_SECONDS + " s; stopped it");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the PyTorch peer");
            }
        }
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the PyTorch peer exited (code " + exitCode() + "); its error output is above");
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IOException("the PyTorch peer printed something other than JSON: " + line);
        }
    }

    /** The longest a command may take: an epoch of full Fashion-MNIST conv training or IS with k = 5000. */
    static final long ANSWER_SECONDS = 1800;

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Images with values k/255 as an uncompressed IDX image file ({@link io.github.vae4j.data.IdxWriter}). */
    static Path writeIdx(INDArray x, Path file) throws IOException {
        long n = x.size(0);
        long size = x.length() / n;
        int side = (int) Math.round(Math.sqrt(size));
        if ((long) side * side != size) {
            throw new IllegalArgumentException("the PyTorch peer needs square images, got " + size + " values per example");
        }
        float[] values = x.reshape(n * size).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
        for (int i = 0; i < values.length; i++) {
            float v = values[i] * 255f;
            int b = Math.round(v);
            if (b < 0 || b > 255 || Math.abs(v - b) > 1e-3f) {
                throw new IllegalArgumentException("the PyTorch peer needs pixel values k/255, got " + values[i]
                        + " at value " + i);
            }
        }
        io.github.vae4j.data.IdxWriter.writeImages(file, x.reshape(n, size), side, side);
        return file;
    }
}
