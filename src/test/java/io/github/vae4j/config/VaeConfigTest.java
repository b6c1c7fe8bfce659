package io.github.vae4j.config;

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

class VaeConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "latentSize|0|latentSize must be >= 1, got 0",
            "inputSize|-3|inputSize must be >= 1, got -3",
            "batchSize|0|batchSize must be >= 1, got 0",
            "epochs|0|epochs must be >= 1, got 0",
            "learningRate|-0.1|learningRate must be finite and > 0, got -0.1",
            "beta|-1.0|beta must be finite and >= 0, got -1.0",
            "gaussianSigma|0|gaussianSigma must be finite and > 0, got 0.0",
            "klWarmupEpochs|-2|klWarmupEpochs must be >= 0, got -2",
            "activation|\"nosuch\"|activation must be a DL4J Activation name (relu, tanh, elu, ...), got nosuch",
            "weightInit|\"nosuch\"|weightInit must be a DL4J WeightInit name (xavier, relu, ...), got nosuch",
            "encoderSizes|[400, 0]|encoderSizes entries must be >= 1, got [400, 0]"})
    void badValuesAreRejectedWithFieldAndValue(String field, String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"" + field + "\": " + json + "}"));
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
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("latentSize", 7, "encoderSizes", List.of(64, 32),
                "likelihood", "gaussian", "beta", 2.5));
        assertEquals(7, c.latentSize());
        assertEquals(Likelihood.GAUSSIAN, c.likelihood());
        assertEquals(c, VaeConfig.fromJson(c.toJson()));
        assertEquals(VaeConfig.defaults(), VaeConfig.fromJson("{}"));
    }

    @Test
    void klWarmupRampsLinearlyToBeta() {
        VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("beta", 2.0, "klWarmupEpochs", 3));
        assertEquals(0.5, c.betaAtEpoch(0), 1e-12);
        assertEquals(1.5, c.betaAtEpoch(2), 1e-12);
        assertEquals(2.0, c.betaAtEpoch(3), 1e-12);
        assertEquals(2.0, VaeConfig.defaults().withOverrides(Map.of("beta", 2.0)).betaAtEpoch(0), 1e-12);
    }

    @Test
    void everyPresetLoadsAndReferencePresetIsTheReferenceModel() throws Exception {
        try (Stream<Path> presets = Files.list(Path.of("configs"))) {
            presets.filter(p -> p.toString().endsWith(".json")).forEach(VaeConfig::load);
        }
        VaeConfig ref = VaeConfig.load(Path.of("configs/mnist-reference.json"));
        assertEquals(List.of(400), ref.encoderSizes());
        assertEquals(20, ref.latentSize());
        assertEquals(List.of(400), ref.decoderSizes());
        assertEquals(Likelihood.BERNOULLI, ref.likelihood());
        assertEquals(UpdaterType.ADAM, ref.updater());
        assertEquals(1e-3, ref.learningRate());
        assertEquals(128, ref.batchSize());
    }
}
