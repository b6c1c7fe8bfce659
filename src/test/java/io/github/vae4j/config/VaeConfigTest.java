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
            "objective|{\"klSchedule\": \"linear:0\"}|klSchedule linear:N needs N >= 1 warm-up epochs, got 0",
            "objective|{\"klSchedule\": \"cosine\"}|klSchedule must be constant, linear:N or cyclical:M:R (e.g. linear:10, cyclical:4:0.5), got cosine",
            "objective|{\"klSchedule\": \"cyclical:4:1.5\"}|klSchedule cyclical:M:R needs a ramp ratio R in (0, 1], got 1.5",
            "objective|{\"klSchedule\": \"cyclical:40:0.5\"}|klSchedule cyclical:40:0.5 has more cycles than the run has epochs (30)",
            "objective|{\"freeBits\": -0.5}|freeBits must be finite and >= 0, got -0.5",
            "objective|{\"samples\": 5}|samples (k) must be 1 for the elbo objective (one z per example), got 5; use kind iwae for a k-sample bound",
            "objective|{\"kind\": \"iwae\", \"samples\": 0}|samples (k) must be >= 1, got 0",
            "objective|{\"kind\": \"iwae\", \"samples\": 5, \"beta\": 2}|the iwae objective is the importance-weighted bound itself: beta must be 1, freeBits 0 and klSchedule constant, got beta=2.0, freeBits=0.0, klSchedule=constant",
            "objective|{\"kind\": \"vimco\"}|objective kind must be one of [elbo, iwae], got vimco",
            "activation|\"nosuch\"|activation must be a DL4J Activation name (relu, tanh, elu, ...), got nosuch",
            "weightInit|\"nosuch\"|weightInit must be pytorch or a DL4J WeightInit name (xavier, relu, ...), got nosuch",
            "encoder|[{\"type\": \"dense\", \"width\": 0}]|dense block width must be >= 1, got 0",
            "decoder|[{\"type\": \"conv\", \"filters\": 8, \"kernel\": 3, \"stride\": 1, \"padding\": 0}]|decoder block 0 is a conv block; the decoder takes dense, reshape and deconv blocks",
            "outputHead|{\"type\": \"upsample\"}|outputHead type must be one of [dense, deconv], got upsample",
            "schemaVersion|7|config schemaVersion 7 is not supported: this vae4j reads schema versions 1 to 3"})
    void badValuesAreRejectedWithFieldAndValue(String field, String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 3, \"inputShape\": [1, 28, 28], \"" + field + "\": "
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
        assertEquals(Objective.elbo(2.5, "constant"), c.objective());
        assertEquals(c, VaeConfig.fromJson(c.toJson()));
        assertEquals(VaeConfig.defaults(), VaeConfig.fromJson("{}"));
        VaeConfig conv = VaeConfig.load(Path.of("configs/conv-mnist.json"));
        assertEquals(conv, VaeConfig.fromJson(conv.toJson()));
        // partial objects merge, an object that names its type replaces the field
        assertEquals(Objective.elbo(4.0, "constant"), conv.withOverrides(Map.of("objective", Map.of("beta", 4.0))).objective());
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
        assertEquals(Objective.elbo(4.0, "linear:5"), old.objective());
        assertEquals(3, old.epochs());
        assertEquals(VaeConfig.SCHEMA_VERSION, old.schemaVersion());
        assertEquals("xavier", old.weightInit(), "schema 1's default init is kept");
        assertEquals(VaeConfig.PYTORCH_INIT, VaeConfig.fromJson("{\"latentSize\": 4}").weightInit(),
                "a config with no schema-1 field reads as the current schema");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 3, \"encoderSizes\": [3]}"));
        assertTrue(e.getMessage().startsWith("unknown config field 'encoderSizes'"), e.getMessage());
    }

    @Test
    void klWarmupRampsLinearlyToBeta() {
        Objective o = Objective.elbo(2.0, "linear:3");
        assertEquals(0.5, o.klWeight(0, 30), 1e-12);
        assertEquals(1.5, o.klWeight(2, 30), 1e-12);
        assertEquals(2.0, o.klWeight(3, 30), 1e-12);
        assertEquals(2.0, Objective.elbo(2.0, "constant").klWeight(0, 30), 1e-12);
    }

    /** Fu et al. 2019: τ = frac(e·M/T), w = β·min(1, τ/R); 12 epochs, 3 cycles of 4, ramp over the first half. */
    @Test
    void cyclicalScheduleRampsOverRatioOfEachCycle() {
        Objective o = Objective.elbo(2.0, "cyclical:3:0.5");
        double[] expected = {0, 1, 2, 2, 0, 1, 2, 2, 0, 1, 2, 2};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], o.klWeight(e, 12), 1e-12, "epoch " + e);
        }
        assertEquals("cyclical:3:0.5", KlSchedule.parse(" Cyclical:3:0.5 ").spec());
        assertEquals(1.0, Objective.iwae(5).klWeight(0, 10), 1e-12);
    }

    @Test
    void schemaTwoWarmupBecomesALinearSchedule() {
        VaeConfig two = VaeConfig.fromJson("{\"schemaVersion\": 2, \"objective\": {\"beta\": 3.0, \"klWarmupEpochs\": 4}}");
        assertEquals(Objective.elbo(3.0, "linear:4"), two.objective());
        assertEquals(Objective.elbo(), VaeConfig.fromJson("{\"schemaVersion\": 2, \"objective\": {\"klWarmupEpochs\": 0}}")
                .objective());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 2, \"objective\": {\"klWarmupEpochs\": -2}}"));
        assertEquals("klWarmupEpochs must be >= 0, got -2", e.getMessage());
        assertEquals(Objective.elbo(1.0, "linear:10"), VaeConfig.fromJson("{\"objective\": {\"klWarmupEpochs\": 10}}")
                .objective(), "an unversioned config with the schema-2 field reads as schema 2");
        e = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson("{\"schemaVersion\": 3, \"objective\": {\"klWarmupEpochs\": 2}}"));
        assertTrue(e.getMessage().startsWith("unknown config field 'objective.klWarmupEpochs'"), e.getMessage());
    }

    @Test
    void objectivesRoundTripThroughJson() {
        for (Objective o : List.of(Objective.iwae(50), Objective.elbo(4.0, "cyclical:4:0.5").withFreeBits(0.25))) {
            VaeConfig c = VaeConfig.defaults().withOverrides(Map.of("objective", Map.of("kind", o.kind().id(),
                    "samples", o.samples(), "beta", o.beta(), "freeBits", o.freeBits(), "klSchedule", o.klSchedule())));
            assertEquals(o, c.objective());
            assertEquals(c, VaeConfig.fromJson(c.toJson()));
        }
        assertEquals("iwae k=50", Objective.iwae(50).describe());
        assertEquals("elbo beta=4.0 cyclical:4:0.5 freeBits=0.25",
                Objective.elbo(4.0, "cyclical:4:0.5").withFreeBits(0.25).describe());
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
