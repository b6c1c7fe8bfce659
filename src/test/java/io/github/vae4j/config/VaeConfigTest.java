package io.github.vae4j.config;

import io.github.vae4j.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaeConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "latentSize|0|latentSize must be >= 1, got 0",
            "inputShape|[-3]|inputShape must be [] (from the data), [size] or [channels, height, width] with sides >= 1, got [-3]",
            "batchSize|0|batchSize must be >= 1, got 0",
            "epochs|0|epochs must be >= 1, got 0",
            "learningRate|-0.1|learningRate must be finite and > 0, got -0.1",
            "objective|{\"beta\": -1.0}|beta must be finite and >= 0, got -1.0",
            "gaussianSigma|0|gaussianSigma must be finite and > 0, got 0.0",
            "objective|{\"klWarmupEpochs\": -2}|klWarmupEpochs must be >= 0, got -2",
            "activation|\"nosuch\"|activation must be a DL4J Activation name (relu, tanh, elu, ...), got nosuch",
            "weightInit|\"nosuch\"|weightInit must be pytorch or a DL4J WeightInit name (xavier, relu, ...), got nosuch",
            "encoder|[{\"type\": \"dense\", \"width\": 0}]|dense block width must be >= 1, got 0",
            "decoder|[{\"type\": \"conv\", \"filters\": 8, \"kernel\": 3, \"stride\": 1, \"padding\": 0}]|decoder block 0 is a conv block; the decoder takes dense, reshape and deconv blocks",
            "outputHead|{\"type\": \"upsample\"}|outputHead type must be one of [dense, deconv], got upsample",
            "schemaVersion|7|config schemaVersion 7 is not supported: this vae4j reads schema versions 1 to 2"})
    void badValuesAreRejectedWithFieldAndValue(String field, String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 2, \"inputShape\": [1, 28, 28], \"" + field + "\": "
                        + json + "}"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void unknownFieldsAndMalformedJsonAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"latentsize\": 3}"));
        assertEquals(true, e.getMessage().startsWith("unknown config field 'latentsize'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VaeConfig.fromJson("{\"latentSize\": "));
        assertEquals(true, e.getMessage().startsWith("config is not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VaeConfig.fromJson("{\"likelihood\": \"poisson\"}"));
        assertEquals(true, e.getMessage().contains("POISSON"), e.getMessage());
    }

    @Test
    void jsonRoundTripAndOverrides() {
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("latentSize", 7, "encoder", TestData.dense(64, 32),
                "likelihood", "gaussian", "objective", Map.of("beta", 2.5)));
        assertEquals(7, c.latentSize());
        assertEquals(Likelihood.GAUSSIAN, c.likelihood());
        assertEquals(List.of(new Block.Dense(64), new Block.Dense(32)), c.encoder());
        assertEquals(new Objective(2.5, 0), c.objective());
        assertEquals(c, VaeConfig.fromJson(c.toJson()));
        assertEquals(VaeConfig.defaults(), VaeConfig.fromJson("{}"));
        VaeConfig conv = VaeConfig.load(Path.of("configs/conv-mnist.json"));
        assertEquals(conv, VaeConfig.fromJson(conv.toJson()));
        // partial objects merge, an object that names its type replaces the field
        assertEquals(new Objective(4.0, 0), conv.withOverrides(Map.of("objective", Map.of("beta", 4.0))).objective());
        VaeConfig flatHead = conv.withOverrides(Map.of("outputHead", Map.of("type", "dense")));
        assertEquals(OutputHead.dense(), flatHead.outputHead());
    }

    @Test
    void schemaOneConfigsAreMigrated() {
        VaeConfig old = VaeConfig.fromJson("{\"inputSize\": 784, \"encoderSizes\": [512, 256], \"latentSize\": 32,"
                + " \"decoderSizes\": [256], \"beta\": 4.0, \"klWarmupEpochs\": 5, \"epochs\": 3}");
        assertEquals(List.of(784), old.inputShape());
        assertEquals(List.of(new Block.Dense(512), new Block.Dense(256)), old.encoder());
        assertEquals(List.of(new Block.Dense(256)), old.decoder());
        assertEquals(new Objective(4.0, 5), old.objective());
        assertEquals(3, old.epochs());
        assertEquals(VaeConfig.SCHEMA_VERSION, old.schemaVersion());
        assertEquals("xavier", old.weightInit(), "schema 1's default init is kept");
        assertEquals(VaeConfig.PYTORCH_INIT, VaeConfig.fromJson("{\"latentSize\": 4}").weightInit(),
                "a config with no schema-1 field reads as the current schema");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 2, \"encoderSizes\": [3]}"));
        assertTrue(e.getMessage().startsWith("unknown config field 'encoderSizes'"), e.getMessage());
    }

    @Test
    void klWarmupRampsLinearlyToBeta() {
        Objective o = new Objective(2.0, 3);
        assertEquals(0.5, o.klWeight(0), 1e-12);
        assertEquals(1.5, o.klWeight(2), 1e-12);
        assertEquals(2.0, o.klWeight(3), 1e-12);
        assertEquals(2.0, new Objective(2.0, 0).klWeight(0), 1e-12);
    }

    @Test
    void convPresetIsExactlyTheIssuesArchitecture() {
        VaeConfig c = VaeConfig.load(Path.of("configs/conv-mnist.json"));
        Architecture a = c.architecture();
        assertEquals(List.of("1x28x28", "32x14x14", "64x7x7", "256"),
                List.of(a.input().toString(), a.encoder().get(0).out().toString(), a.encoder().get(1).out().toString(),
                        a.encoder().get(2).out().toString()));
        assertEquals(20, c.latentSize());
        assertEquals(List.of("256", "3136", "64x7x7", "32x14x14"),
                a.decoder().stream().map(l -> l.out().toString()).toList());
        assertEquals("1x28x28", a.output().out().toString());
        assertEquals(UpdaterType.ADAM, c.updater());
        assertEquals(1e-3, c.learningRate());
        assertEquals(128, c.batchSize());
        assertEquals(Likelihood.BERNOULLI, c.likelihood());
    }

    @Test
    void blocksThatDoNotFitTheShapesAreRejectedWithTheShapes() {
        VaeConfig conv = VaeConfig.load(Path.of("configs/conv-mnist.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.withInputShape(List.of(784)));
        assertEquals("encoder block 0 is a conv block, which needs an image input [channels, height, width], but its "
                + "input is flat (784 values); give inputShape as [C, H, W]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.withInputShape(List.of(1, 32, 32)));
        assertEquals("the decoder ends in 1x28x28 but the data is 1x32x32 (1 output channel(s) per data channel); "
                + "change the decoder blocks or the outputHead", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.withOverrides(Map.of("decoder", List.of(
                Map.of("type", "dense", "width", 3000), Map.of("type", "reshape", "channels", 64, "height", 7, "width", 7)))));
        assertEquals("decoder block 1 reshapes to 64x7x7 = 3136 values but its input is 3000", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.withOverrides(Map.of("outputHead",
                Map.of("kernel", 3))));
        assertEquals("the decoder ends in 1x27x27 but the data is 1x28x28 (1 output channel(s) per data channel); "
                + "change the decoder blocks or the outputHead", e.getMessage());
    }

    @Test
    void everyPresetLoadsAndReferencePresetIsTheReferenceModel() throws Exception {
        try (Stream<Path> presets = Files.list(Path.of("configs"))) {
            presets.filter(p -> p.toString().endsWith(".json")).forEach(VaeConfig::load);
        }
        VaeConfig ref = VaeConfig.load(Path.of("configs/mnist-reference.json"));
        assertEquals(List.of(new Block.Dense(400)), ref.encoder());
        assertEquals(20, ref.latentSize());
        assertEquals(List.of(new Block.Dense(400)), ref.decoder());
        assertEquals(Likelihood.BERNOULLI, ref.likelihood());
        assertEquals(UpdaterType.ADAM, ref.updater());
        assertEquals(1e-3, ref.learningRate());
        assertEquals(128, ref.batchSize());
        assertEquals(VaeConfig.defaults().withInputShape(List.of(1, 28, 28)), ref);
    }
}
