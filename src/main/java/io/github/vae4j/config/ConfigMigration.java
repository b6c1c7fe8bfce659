package io.github.vae4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites config JSON of an older schema into the current one ({@link VaeConfig#SCHEMA_VERSION}), so that presets
 * and model files written by earlier vae4j versions keep loading.
 *
 * <p>Schema 1 (vae4j 0.1, no {@code schemaVersion} field) described only the MLP: {@code inputSize},
 * {@code encoderSizes}, {@code decoderSizes}, and the KL weight as top-level {@code beta} and {@code klWarmupEpochs}.
 * They become {@code inputShape: [inputSize]}, dense blocks, and the {@code objective} object.
 */
final class ConfigMigration {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigMigration() {
    }

    /** A copy of {@code json} in the current schema; throws for a schema newer than this vae4j reads. */
    static ObjectNode toCurrent(ObjectNode json) {
        ObjectNode out = json.deepCopy();
        JsonNode v = out.get("schemaVersion");
        int version = v == null ? 1 : v.isInt() ? v.asInt() : -1;
        if (version < 1 || version > VaeConfig.SCHEMA_VERSION) {
            throw new IllegalArgumentException("config schemaVersion " + (v == null ? "null" : v.toString())
                    + " is not supported: this vae4j reads schema versions 1 to " + VaeConfig.SCHEMA_VERSION);
        }
        if (version == 1) {
            fromSchema1(out);
        }
        return out;
    }

    private static void fromSchema1(ObjectNode c) {
        if (c.has("inputSize")) {
            c.set("inputShape", NODES.arrayNode().add(c.remove("inputSize")));
        }
        moveSizes(c, "encoderSizes", "encoder");
        moveSizes(c, "decoderSizes", "decoder");
        if (c.has("beta") || c.has("klWarmupEpochs")) {
            ObjectNode objective = NODES.objectNode();
            if (c.has("beta")) {
                objective.set("beta", c.remove("beta"));
            }
            if (c.has("klWarmupEpochs")) {
                objective.set("klWarmupEpochs", c.remove("klWarmupEpochs"));
            }
            c.set("objective", objective);
        }
        c.put("schemaVersion", VaeConfig.SCHEMA_VERSION);
    }

    private static void moveSizes(ObjectNode c, String from, String to) {
        JsonNode sizes = c.remove(from);
        if (sizes == null || sizes.isNull()) {
            return;
        }
        if (!sizes.isArray()) {
            throw new IllegalArgumentException(from + " must be a list of layer widths, got " + sizes);
        }
        ArrayNode blocks = NODES.arrayNode();
        for (JsonNode w : sizes) {
            blocks.add(NODES.objectNode().put("type", "dense").set("width", w));
        }
        c.set(to, blocks);
    }
}
