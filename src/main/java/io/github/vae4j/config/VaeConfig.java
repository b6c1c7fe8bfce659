package io.github.vae4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every hyperparameter of a vae4j model, the architecture included, validated on construction and saved inside every
 * model file. The network is built from this record alone ({@link Architecture} resolves the blocks into layers).
 *
 * @param schemaVersion config schema ({@value #SCHEMA_VERSION}); older JSON is migrated on reading
 * @param inputShape    the data's shape per example: [size] (flat) or [channels, height, width]; empty (the default)
 *                      means "take it from the data" at training time
 * @param encoder       encoder blocks x → h, in order: dense and conv (default: one dense block of 400)
 * @param latentSize    dimensions of z (default 20); ≥ 1
 * @param decoder       decoder blocks z → h, in order: dense, reshape and deconv (default: one dense block of 400)
 * @param outputHead    the layer that outputs p(x|z)'s parameters in the data's shape (default dense)
 * @param activation    hidden activation of every block, a DL4J {@link Activation} name (default "relu")
 * @param likelihood    decoder distribution p(x|z) (default BERNOULLI)
 * @param gaussianSigma σ of the fixed-σ Gaussian likelihood (default 1.0); &gt; 0
 * @param objective     the training objective: the ELBO (β, KL schedule, free bits) or IWAE-k (default: the ELBO)
 * @param updater       gradient updater (default ADAM)
 * @param learningRate  learning rate (default 1e-3); &gt; 0
 * @param batchSize     examples per minibatch (default 128); ≥ 1
 * @param epochs        passes over the training data (default 30); ≥ 1
 * @param seed          the one seed every random stream derives from (default 42)
 * @param conditional   a conditional VAE (Sohn et al. 2015): the encoder q(z|x,y) and the decoder p(x|z,y) both take
 *                      the one-hot class label y as a second network input (default false)
 * @param classes       classes of y for a conditional VAE; 0 (the default) means "take it from the data's labels" at
 *                      training time; 0 for an unconditional one
 * @param weightInit    "pytorch" (default): weights and biases U(−1/√fan_in, 1/√fan_in), PyTorch's default for
 *                      {@code nn.Linear}, {@code nn.Conv2d} and {@code nn.ConvTranspose2d} (fan_in = out·k² there);
 *                      or a DL4J {@link WeightInit} name (biases 0)
 */
public record VaeConfig(
        int schemaVersion,
        List<Integer> inputShape,
        List<Block> encoder,
        int latentSize,
        List<Block> decoder,
        OutputHead outputHead,
        String activation,
        Likelihood likelihood,
        double gaussianSigma,
        Objective objective,
        UpdaterType updater,
        double learningRate,
        int batchSize,
        int epochs,
        long seed,
        String weightInit,
        boolean conditional,
        int classes) {

    /** The {@code weightInit} that also draws the biases uniformly, as PyTorch's layers do by default. */
    public static final String PYTORCH_INIT = "pytorch";

    /** The config schema this vae4j writes. */
    public static final int SCHEMA_VERSION = 3;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Validates every field, then that the blocks fit the input shape; the message names the field and the value. */
    public VaeConfig {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion must be " + SCHEMA_VERSION + " (older configs are "
                    + "migrated when read from JSON), got " + schemaVersion);
        }
        inputShape = checkInputShape(inputShape);
        encoder = checkBlocks("encoder", encoder);
        atLeast("latentSize", latentSize, 1);
        decoder = checkBlocks("decoder", decoder);
        outputHead = outputHead == null ? OutputHead.dense() : outputHead;
        activation = checkActivation(activation);
        if (likelihood == null) {
            throw new IllegalArgumentException("likelihood must be one of " + List.of(Likelihood.values()) + ", got null");
        }
        if (!(gaussianSigma > 0) || Double.isInfinite(gaussianSigma)) {
            throw new IllegalArgumentException("gaussianSigma must be finite and > 0, got " + gaussianSigma);
        }
        objective = objective == null ? Objective.elbo() : objective;
        if (updater == null) {
            throw new IllegalArgumentException("updater must be one of " + List.of(UpdaterType.values()) + ", got null");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        atLeast("batchSize", batchSize, 1);
        atLeast("epochs", epochs, 1);
        if (objective.schedule() instanceof KlSchedule.Cyclical cyc && cyc.cycles() > epochs) {
            throw new IllegalArgumentException("klSchedule " + objective.klSchedule() + " has more cycles than the run has "
                    + "epochs (" + epochs + ")");
        }
        weightInit = checkWeightInit(weightInit);
        if (classes < 0 || (!conditional && classes != 0) || classes == 1) {
            throw new IllegalArgumentException("classes must be 0 (from the data) or >= 2 for a conditional model and 0 "
                    + "for an unconditional one, got " + classes + (conditional ? "" : " with conditional=false"));
        }
        if (!inputShape.isEmpty()) {
            // with the classes still to come from the data, two classes stand in: where the label joins is checked
            Architecture.resolve(Shape.of(inputShape), encoder, latentSize, decoder, outputHead, likelihood,
                    conditional ? Math.max(classes, 2) : 0);
        }
    }

    /**
     * The documented defaults: the reference model of Kingma &amp; Welling's experiments as pytorch/examples runs it,
     * 784-400-20-400-784 for 28×28 images (input shape taken from the data), Bernoulli, Adam 1e-3, batch 128,
     * 30 epochs.
     */
    public static VaeConfig defaults() {
        return new VaeConfig(SCHEMA_VERSION, List.of(), List.of(new Block.Dense(400)), 20,
                List.of(new Block.Dense(400)), OutputHead.dense(), "relu", Likelihood.BERNOULLI, 1.0, Objective.elbo(),
                UpdaterType.ADAM, 1e-3, 128, 30, 42L, PYTORCH_INIT, false, 0);
    }

    /** The layers this config describes; the input shape must be set. */
    public Architecture architecture() {
        return Architecture.of(this);
    }

    /** Values per example; the input shape must be set. */
    public long inputSize() {
        if (inputShape.isEmpty()) {
            throw new IllegalStateException("the config's inputShape is not set yet (it is taken from the data at "
                    + "training time)");
        }
        return Shape.of(inputShape).size();
    }

    /** A copy with the input shape set (e.g. from the data); fails if the blocks do not fit it. */
    public VaeConfig withInputShape(List<Integer> shape) {
        return new VaeConfig(schemaVersion, shape, encoder, latentSize, decoder, outputHead, activation, likelihood,
                gaussianSigma, objective, updater, learningRate, batchSize, epochs, seed, weightInit, conditional,
                classes);
    }

    /** A copy of a conditional config with the number of classes set (e.g. from the data). */
    public VaeConfig withClasses(int n) {
        if (!conditional) {
            throw new IllegalStateException("classes apply to a conditional config only");
        }
        return new VaeConfig(schemaVersion, inputShape, encoder, latentSize, decoder, outputHead, activation, likelihood,
                gaussianSigma, objective, updater, learningRate, batchSize, epochs, seed, weightInit, true, n);
    }

    /** Activation as DL4J's enum. */
    public Activation activationFn() {
        return Activation.valueOf(activation.toUpperCase(Locale.ROOT));
    }

    /**
     * Weight init as DL4J's enum: for "pytorch", DL4J's UNIFORM, which is U(−1/√fan_in, 1/√fan_in) (the network
     * builder then draws the biases from the same range, {@link #uniformBiasInit()}).
     */
    public WeightInit weightInitFn() {
        return PYTORCH_INIT.equals(weightInit) ? WeightInit.UNIFORM : WeightInit.valueOf(weightInit.toUpperCase(Locale.ROOT));
    }

    /**
     * Whether the network builder completes PyTorch's init ({@code weightInit} "pytorch"): biases U(−1/√fan_in,
     * 1/√fan_in) rather than 0, and transposed convolutions with PyTorch's fan_in.
     */
    public boolean uniformBiasInit() {
        return PYTORCH_INIT.equals(weightInit);
    }

    /** One line for logs: "1x28x28 -[conv 32, conv 64, dense 256]- 20 -[dense 256, ...]- bernoulli". */
    public String describe() {
        return (inputShape.isEmpty() ? "(shape from data)" : Shape.of(inputShape).toString()) + " -" + blocks(encoder)
                + "- " + latentSize + " -" + blocks(decoder) + "- " + outputHead.type() + " "
                + likelihood.name().toLowerCase(Locale.ROOT)
                + (conditional ? ", conditional on " + (classes == 0 ? "the data's" : String.valueOf(classes)) + " classes" : "");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize config: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JSON of any supported schema; fields that are absent keep their defaults, unknown fields are rejected by
     * name.
     *
     * @throws IllegalArgumentException on malformed JSON, unknown fields, an unsupported schema or invalid values
     */
    public static VaeConfig fromJson(String json) {
        JsonNode user;
        try {
            user = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + jsonProblem(e));
        }
        return fromTree(user);
    }

    /** As {@link #fromJson}, from a parsed tree (the config object inside a model's metadata). */
    public static VaeConfig fromTree(JsonNode user) {
        if (user == null || !user.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object, got: " + abbreviate(String.valueOf(user)));
        }
        return defaults().mergeTree(ConfigMigration.toCurrent((ObjectNode) user));
    }

    /** Reads a JSON config file (see {@link #fromJson}). */
    public static VaeConfig load(Path path) {
        try {
            return fromJson(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A copy with the given fields replaced (keys are field names, values JSON-compatible; a map value is merged into
     * an object field such as {@code objective}, unless it names a {@code type}, as an {@code outputHead} does: then
     * it replaces the field, like any other value).
     */
    public VaeConfig withOverrides(Map<String, ?> overrides) {
        return mergeTree(JSON.valueToTree(overrides));
    }

    private VaeConfig mergeTree(JsonNode overrides) {
        ObjectNode merged = JSON.valueToTree(this);
        merge(merged, overrides, "");
        try {
            return JSON.treeToValue(merged, VaeConfig.class);
        } catch (InvalidTypeIdException e) {
            throw new IllegalArgumentException("unknown block type '" + e.getTypeId()
                    + "'; blocks are dense, conv, reshape and deconv");
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("invalid config value: " + jsonProblem(e));
        }
    }

    /** Jackson's message without its "[Source: …]" parts, with the line and column where there is one. */
    private static String jsonProblem(JsonProcessingException e) {
        String msg = String.valueOf(e.getOriginalMessage())
                .replaceAll(" ?\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll(" ?(at )?\\[Source:[^\\]]*\\]", "").strip();
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? msg : msg + " (line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ")";
    }

    private static void merge(ObjectNode into, JsonNode overrides, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = f.getKey();
            JsonNode value = f.getValue();
            JsonNode current = into.get(key);
            if (current == null) {
                List<String> known = new ArrayList<>();
                into.fieldNames().forEachRemaining(known::add);
                throw new IllegalArgumentException("unknown config field '" + prefix + key + "'; known fields: " + known);
            }
            if (value.isNull()) {
                continue;
            }
            if (value.isObject() && current.isObject() && !value.has("type")) {
                // a partial object (objective: {beta: 4}) is merged; one that names its type replaces the field
                merge((ObjectNode) current, value, prefix + key + ".");
                continue;
            }
            if (value.isTextual() && (key.equals("likelihood") || key.equals("updater"))) {
                value = JSON.getNodeFactory().textNode(value.asText().toUpperCase(Locale.ROOT));
            }
            into.set(key, value);
        }
    }

    private static String blocks(List<Block> blocks) {
        return blocks.stream().map(VaeConfig::blockName).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String blockName(Block b) {
        if (b instanceof Block.Dense d) {
            return "dense " + d.width();
        }
        if (b instanceof Block.Conv c) {
            return "conv " + c.filters() + " k" + c.kernel() + " s" + c.stride() + " p" + c.padding();
        }
        if (b instanceof Block.Deconv c) {
            return "deconv " + c.filters() + " k" + c.kernel() + " s" + c.stride() + " p" + c.padding();
        }
        Block.Reshape r = (Block.Reshape) b;
        return "reshape " + r.channels() + "x" + r.height() + "x" + r.width();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
    }

    private static List<Integer> checkInputShape(List<Integer> shape) {
        if (shape == null) {
            return List.of();
        }
        if (shape.stream().anyMatch(java.util.Objects::isNull) || (shape.size() != 0 && shape.size() != 1 && shape.size() != 3)
                || shape.stream().anyMatch(s -> s != null && s < 1)) {
            throw new IllegalArgumentException("inputShape must be [] (from the data), [size] or [channels, height, "
                    + "width] with sides >= 1, got " + shape);
        }
        return List.copyOf(shape);
    }

    private static List<Block> checkBlocks(String field, List<Block> blocks) {
        if (blocks == null || blocks.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(field + " must be a list of blocks, got " + blocks);
        }
        return List.copyOf(blocks);
    }

    private static String checkActivation(String name) {
        try {
            Activation.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
            return name.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("activation must be a DL4J Activation name (relu, tanh, elu, ...), got "
                    + name);
        }
    }

    private static String checkWeightInit(String name) {
        if (PYTORCH_INIT.equalsIgnoreCase(String.valueOf(name))) {
            return PYTORCH_INIT;
        }
        try {
            WeightInit.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
            return name.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weightInit must be pytorch or a DL4J WeightInit name (xavier, relu, ...), got "
                    + name);
        }
    }
}
