package io.github.vae4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every hyperparameter of a vae4j model, validated on construction and saved inside every model file.
 *
 * @param inputSize     data dimensions D (784 for 28×28 images); ≥ 1
 * @param encoderSizes  hidden layer widths of the encoder x → h, in order (default [400]); each ≥ 1, may be empty
 * @param latentSize    dimensions of z (default 20); ≥ 1
 * @param decoderSizes  hidden layer widths of the decoder z → x (default [400]); each ≥ 1, may be empty
 * @param activation    hidden activation, a DL4J {@link Activation} name (default "relu")
 * @param likelihood    decoder distribution p(x|z) (default BERNOULLI)
 * @param gaussianSigma σ of the fixed-σ Gaussian likelihood (default 1.0); &gt; 0
 * @param beta          KL weight β (default 1.0 = the ELBO); ≥ 0
 * @param klWarmupEpochs epochs over which the KL weight ramps linearly from 0 to β, a guard against posterior
 *                      collapse (default 0 = no warm-up); ≥ 0
 * @param updater       gradient updater (default ADAM)
 * @param learningRate  learning rate (default 1e-3); &gt; 0
 * @param batchSize     examples per minibatch (default 128); ≥ 1
 * @param epochs        passes over the training data (default 30); ≥ 1
 * @param seed          seed of weight init, shuffling and ε (default 42)
 * @param weightInit    a DL4J {@link WeightInit} name (default "xavier")
 */
public record VaeConfig(
        int inputSize,
        List<Integer> encoderSizes,
        int latentSize,
        List<Integer> decoderSizes,
        String activation,
        Likelihood likelihood,
        double gaussianSigma,
        double beta,
        int klWarmupEpochs,
        UpdaterType updater,
        double learningRate,
        int batchSize,
        int epochs,
        long seed,
        String weightInit) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates every field; the message names the field and the value. */
    public VaeConfig {
        atLeast("inputSize", inputSize, 1);
        atLeast("latentSize", latentSize, 1);
        encoderSizes = checkSizes("encoderSizes", encoderSizes);
        decoderSizes = checkSizes("decoderSizes", decoderSizes);
        activation = checkActivation(activation);
        if (likelihood == null) {
            throw new IllegalArgumentException("likelihood must be one of " + List.of(Likelihood.values()) + ", got null");
        }
        if (!(gaussianSigma > 0) || Double.isInfinite(gaussianSigma)) {
            throw new IllegalArgumentException("gaussianSigma must be finite and > 0, got " + gaussianSigma);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
        atLeast("klWarmupEpochs", klWarmupEpochs, 0);
        if (updater == null) {
            throw new IllegalArgumentException("updater must be one of " + List.of(UpdaterType.values()) + ", got null");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        atLeast("batchSize", batchSize, 1);
        atLeast("epochs", epochs, 1);
        weightInit = checkWeightInit(weightInit);
    }

    /** The documented defaults: the 784-400-20 Bernoulli reference model, Adam 1e-3, batch 128, 30 epochs. */
    public static VaeConfig defaults() {
        return new VaeConfig(784, List.of(400), 20, List.of(400), "relu", Likelihood.BERNOULLI, 1.0, 1.0, 0,
                UpdaterType.ADAM, 1e-3, 128, 30, 42L, "xavier");
    }

    /** Activation as DL4J's enum. */
    public Activation activationFn() {
        return Activation.valueOf(activation.toUpperCase(Locale.ROOT));
    }

    /** Weight init as DL4J's enum. */
    public WeightInit weightInitFn() {
        return WeightInit.valueOf(weightInit.toUpperCase(Locale.ROOT));
    }

    /** KL weight for a 0-based epoch under the linear warm-up. */
    public double betaAtEpoch(int epoch) {
        if (klWarmupEpochs == 0 || epoch >= klWarmupEpochs) {
            return beta;
        }
        return beta * (epoch + 1) / (klWarmupEpochs + 1.0);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize config: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JSON; fields that are absent keep their defaults, unknown fields are rejected by name.
     *
     * @throws IllegalArgumentException on malformed JSON, unknown fields or invalid values
     */
    public static VaeConfig fromJson(String json) {
        JsonNode user;
        try {
            user = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getOriginalMessage());
        }
        if (user == null || !user.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object, got: " + abbreviate(json));
        }
        return defaults().mergeTree(user);
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

    /** A copy with the given fields replaced (keys are field names, values JSON-compatible). */
    public VaeConfig withOverrides(Map<String, ?> overrides) {
        return mergeTree(JSON.valueToTree(overrides));
    }

    private VaeConfig mergeTree(JsonNode overrides) {
        ObjectNode merged = JSON.valueToTree(this);
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!merged.has(f.getKey())) {
                throw new IllegalArgumentException("unknown config field '" + f.getKey() + "'; known fields: "
                        + iterable(merged.fieldNames()));
            }
            if (f.getValue().isNull()) {
                continue;
            }
            JsonNode value = f.getValue();
            if (value.isTextual() && (f.getKey().equals("likelihood") || f.getKey().equals("updater"))) {
                value = JSON.getNodeFactory().textNode(value.asText().toUpperCase(Locale.ROOT));
            }
            merged.set(f.getKey(), value);
        }
        try {
            return JSON.treeToValue(merged, VaeConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("invalid config value: " + e.getOriginalMessage());
        }
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
    }

    private static List<Integer> checkSizes(String field, List<Integer> sizes) {
        if (sizes == null) {
            throw new IllegalArgumentException(field + " must be a list of layer widths, got null");
        }
        for (Integer s : sizes) {
            if (s == null || s < 1) {
                throw new IllegalArgumentException(field + " entries must be >= 1, got " + sizes);
            }
        }
        return List.copyOf(sizes);
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
        try {
            WeightInit.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
            return name.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weightInit must be a DL4J WeightInit name (xavier, relu, ...), got "
                    + name);
        }
    }
}
