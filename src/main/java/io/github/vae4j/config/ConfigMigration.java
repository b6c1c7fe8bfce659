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
 * They become {@code inputShape: [inputSize]}, dense blocks, and the {@code objective} object; a schema-1 config
 * without {@code weightInit} keeps schema 1's default, "xavier". A config without {@code schemaVersion} that uses
 * none of schema 1's own fields reads the same in both schemas and is taken as the current one.
 *
 * <p>Schema 2 gave the KL warm-up as {@code objective.klWarmupEpochs: N}; schema 3 has the objective's
 * {@code klSchedule} string, so N becomes {@code "linear:N"} (0 becomes {@code "constant"}). A config without
 * {@code schemaVersion} that has {@code objective.klWarmupEpochs} is schema 2.
 */
final class ConfigMigration {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fields only schema 1 has; a config without {@code schemaVersion} is read as schema 1 when it uses one. */
    private static final java.util.List<String> SCHEMA_ONE_FIELDS = java.util.List.of("inputSize", "encoderSizes",
            "decoderSizes", "beta", "klWarmupEpochs");

    private ConfigMigration() {
    }

    /** A copy of {@code json} in the current schema; throws for a schema newer than this vae4j reads. */
    static ObjectNode toCurrent(ObjectNode json) {
        ObjectNode out = json.deepCopy();
        JsonNode v = out.get("schemaVersion");
        boolean schemaOneFields = SCHEMA_ONE_FIELDS.stream().anyMatch(out::has);
        boolean schemaTwoFields = out.get("objective") instanceof ObjectNode o && o.has("klWarmupEpochs");
        int version = v == null ? (schemaOneFields ? 1 : schemaTwoFields ? 2 : VaeConfig.SCHEMA_VERSION)
                : v.isInt() ? v.asInt() : -1;
        if (version < 1 || version > VaeConfig.SCHEMA_VERSION) {
            throw new IllegalArgumentException("config schemaVersion " + (v == null ? "null" : v.toString())
                    + " is not supported: this vae4j reads schema versions 1 to " + VaeConfig.SCHEMA_VERSION);
        }
        if (version == 1) {
            fromSchema1(out);
            version = 2;
        }
        if (version == 2) {
            fromSchema2(out);
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
        if (!c.has("weightInit")) {
            c.put("weightInit", "xavier"); // schema 1's default; schema 2's is "pytorch"
        }
    }

    private static void fromSchema2(ObjectNode c) {
        JsonNode objective = c.get("objective");
        if (objective instanceof ObjectNode o && o.has("klWarmupEpochs")) {
            JsonNode n = o.remove("klWarmupEpochs");
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw new IllegalArgumentException("objective.klWarmupEpochs must be an integer >= 0, got " + n);
            }
            if (n.asInt() < 0) {
                throw new IllegalArgumentException("klWarmupEpochs must be >= 0, got " + n.asInt());
            }
            o.put("klSchedule", n.asInt() == 0 ? "constant" : "linear:" + n.asInt());
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
