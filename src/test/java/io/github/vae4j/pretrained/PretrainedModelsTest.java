package io.github.vae4j.pretrained;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataOptions;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.ModelFile;
import io.github.vae4j.model.VaeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The models in {@code models/}: each loads, matches its checksum, and its card agrees with it (the test −ELBO
 * recomputed with the card's seed and draws); names resolve; the publisher writes a card that reads back.
 */
class PretrainedModelsTest {

    static final Path MODELS = Path.of("models");
    private static final Path SHARED = Path.of("../shared/data");

    static List<String> names() {
        return PretrainedModels.NAMES;
    }

    @Test
    void theListOfNamesIsTheModelsFolder() throws IOException {
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> s = Files.list(MODELS)) {
            s.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(PretrainedModels.NAMES), folders);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void everyModelLoadsMatchesItsChecksumAndAgreesWithItsCard(String name) throws IOException {
        assertModelAgreesWithItsCard(MODELS.resolve(name));
    }

    @Test
    void aCardThatDisagreesWithItsModelFails(@TempDir Path dir) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("mnist-mlp"));
        try (Stream<Path> files = Files.list(MODELS.resolve("mnist-mlp"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        assertModelAgreesWithItsCard(copy);
        String card = Files.readString(copy.resolve(PretrainedModels.CARD_FILE));
        java.util.regex.Matcher elbo = java.util.regex.Pattern.compile("\\| −ELBO \\| ([0-9.]+) ").matcher(card);
        assertTrue(elbo.find(), "the card's −ELBO row");
        double off = Double.parseDouble(elbo.group(1)) + 0.05;
        Files.writeString(copy.resolve(PretrainedModels.CARD_FILE),
                card.replace("| −ELBO | " + elbo.group(1) + " ", String.format(java.util.Locale.ROOT, "| −ELBO | %.3f ", off)));
        AssertionError e = assertThrows(AssertionError.class, () -> assertModelAgreesWithItsCard(copy));
        assertTrue(e.getMessage().contains("test −ELBO of the card"), e.getMessage());
    }

    /** The folder's checksum, pictures, model and card agree; the card's test numbers recomputed. */
    static void assertModelAgreesWithItsCard(Path folder) throws IOException {
        String name = folder.getFileName().toString();
        Path zip = folder.resolve(PretrainedModels.MODEL_FILE);
        String line = Files.readString(folder.resolve(PretrainedModels.CHECKSUM_FILE));
        assertEquals(PretrainedModels.checksumLine(zip), line, name + ": model.zip.sha256");
        assertTrue(Files.size(zip) < 10_000_000, name + ": " + Files.size(zip) + " bytes");
        for (String picture : List.of("samples.png", "reconstructions.png")) {
            assertTrue(Files.size(folder.resolve(picture)) > 1000, name + ": " + picture);
        }

        VaeModel model = VaeModel.load(zip);
        assertFalse(ModelFile.readEntry(zip, "updaterState.bin").isPresent(), name + ": no updater state");
        ModelCard.Parsed card = ModelCard.parse(Files.readString(folder.resolve(PretrainedModels.CARD_FILE)));
        VaeConfig c = model.config();
        assertEquals(c.seed(), card.seed(), name + ": seed");
        assertEquals(model.metadata().metrics().get("epochs").intValue(), card.epochs(), name + ": epochs");

        DataSplit split = DataSets.load(card.dataSet(), DataOptions.defaults().withFashionDir(fashionDir()).withSeed(c.seed()));
        assertEquals(model.metadata().datasetSha256(), split.sha256(), name + ": the card's data set is the training data");
        assertEquals(card.testExamples(), split.testX().size(0), name + ": test examples");
        Evaluation e = Evaluator.evaluate(model.joint(), model.jointInput(split.testX(), split.testLabelArray()),
                card.elboSamples(), 1, c.objective(), card.evalSeed());
        assertEquals(card.negativeElbo(), e.negativeElbo(), 0.01, name + ": test −ELBO of the card");
        assertEquals(card.reconstruction(), e.reconstruction(), 0.01, name + ": reconstruction term of the card");
        assertEquals(card.kl(), e.kl(), 0.01, name + ": KL term of the card");
        assertEquals(card.activeUnits(), e.activeUnits(), name + ": active units of the card");
        // importance sampling tightens the bound, by less than the KL term
        assertTrue(card.logLikelihood() >= -card.negativeElbo() - 0.5 && card.logLikelihood() < -card.negativeElbo() + card.kl(),
                name + ": log p(x) " + card.logLikelihood() + " against the ELBO " + -card.negativeElbo());
    }

    @Test
    void aNameResolvesToItsFolderAndTheJarHoldsTheSameModel() throws IOException {
        Path resolved = PretrainedModels.resolve(Path.of("mnist-mlp"));
        assertEquals(MODELS.resolve("mnist-mlp").resolve("model.zip").toAbsolutePath().normalize(),
                resolved.toAbsolutePath().normalize());
        // a model folder is a model too
        assertEquals(resolved.toAbsolutePath().normalize(),
                PretrainedModels.resolve(MODELS.resolve("mnist-mlp")).toAbsolutePath().normalize());
        // the copy packed into the jar (target/classes here) is the same file
        Path fromJar = PretrainedModels.fromJar("mnist-mlp");
        assertEquals(PretrainedModels.sha256(resolved), PretrainedModels.sha256(fromJar));
        assertEquals(20, PretrainedModels.load("mnist-mlp").latentSize());
    }

    @Test
    void aWordThatIsNoFileAndNoNameIsRefusedWithTheNames() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PretrainedModels.resolve(Path.of("mnist-xl")));
        assertTrue(e.getMessage().contains("no pretrained model of that name (pretrained: mnist-mlp, mnist-conv"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PretrainedModels.file("mnist-xl"));
    }

    @Test
    void aFolderWithoutAModelIsRefusedUnlessItIsAName(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PretrainedModels.resolve(empty));
        assertTrue(e.getMessage().contains("a folder without model.zip"), e.getMessage());
        // a model's folder without a checksum is taken as it is; a pretrained model's is not
        Path unchecked = Files.createDirectories(dir.resolve("unchecked"));
        Files.copy(MODELS.resolve("mnist-mlp").resolve("model.zip"), unchecked.resolve("model.zip"));
        assertEquals(unchecked.resolve("model.zip"), PretrainedModels.resolve(unchecked));
        assertThrows(NoSuchFileException.class, () -> PretrainedModels.verified(unchecked, true));
    }

    @Test
    void publishRefusesDataTheModelWasNotTrainedOn(@TempDir Path dir) throws IOException {
        VaeConfig config = VaeConfig.fromJson("{\"inputShape\": [1, 28, 28], \"encoder\": [{\"type\": \"dense\", \"width\": 8}],"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 8}], \"latentSize\": 2}");
        DataSplit split = DataSets.load("mnist10k", DataOptions.defaults());
        VaeModel model = VaeModel.create(config);
        model.setMetadata(model.metadata().withDataset("fashion", "0".repeat(64)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelPublisher.publish(model,
                split, "x", dir.resolve("x"), new ModelPublisher.Training("c", 1, 1), 2, 10, 1, 0));
        assertTrue(e.getMessage().contains("is not the data the model was trained on (fashion"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
    }

    @Test
    void aModelThatDoesNotMatchItsChecksumIsRefused(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("m"));
        Files.copy(MODELS.resolve("mnist-mlp").resolve("model.zip"), folder.resolve("model.zip"));
        Files.copy(MODELS.resolve("mnist-mlp").resolve("model.zip.sha256"), folder.resolve("model.zip.sha256"));
        assertEquals(folder.resolve("model.zip"), PretrainedModels.resolve(folder));
        try (var f = new java.io.RandomAccessFile(folder.resolve("model.zip").toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        IOException e = assertThrows(IOException.class, () -> PretrainedModels.resolve(folder));
        assertTrue(e.getMessage().startsWith("checksum mismatch for " + folder.resolve("model.zip")), e.getMessage());
        Files.writeString(folder.resolve("model.zip.sha256"), "not a checksum\n");
        e = assertThrows(IOException.class, () -> PretrainedModels.resolve(folder));
        assertTrue(e.getMessage().startsWith("corrupt model.zip.sha256"), e.getMessage());
    }

    @Test
    void publishWritesAModelWithoutUpdaterStateAndACardThatReadsBack(@TempDir Path dir) throws IOException {
        VaeConfig config = VaeConfig.fromJson("{\"inputShape\": [1, 28, 28], \"encoder\": [{\"type\": \"dense\", \"width\": 16}],"
                + " \"decoder\": [{\"type\": \"dense\", \"width\": 16}], \"latentSize\": 3, \"seed\": 5}");
        DataSplit split = DataSets.load("mnist10k", DataOptions.defaults().withSeed(5));
        VaeModel model = VaeModel.create(config);
        model.setMetadata(model.metadata().withDataset(split.id(), split.sha256()));
        ModelPublisher.Training training = new ModelPublisher.Training("./vae4j train --latent 3", 12.5, 1);
        ModelCard card = ModelPublisher.publish(model, split, "tiny", dir.resolve("tiny"), training, 7, 40, 2, 3);

        Path zip = dir.resolve("tiny").resolve("model.zip");
        assertFalse(ModelFile.readEntry(zip, "updaterState.bin").isPresent(), "no updater state");
        assertEquals(zip, PretrainedModels.resolve(dir.resolve("tiny")), "its checksum verifies");
        ModelCard.Parsed parsed = ModelCard.parse(Files.readString(dir.resolve("tiny").resolve("MODEL_CARD.md")));
        assertEquals("mnist10k", parsed.dataSet());
        assertEquals(5, parsed.seed());
        assertEquals(1, parsed.epochs());
        assertEquals(split.testX().size(0), parsed.testExamples());
        assertEquals(2, parsed.elboSamples());
        assertEquals(3, parsed.evalSeed());
        assertEquals(card.measured().negativeElbo(), parsed.negativeElbo(), 5e-4);
        assertEquals(card.measured().logLikelihood(), parsed.logLikelihood(), 5e-4);
        assertEquals(40, card.measured().isExamples());
        // the card's −ELBO is what the evaluator gives with the card's draws and seed
        Evaluation e = Evaluator.evaluate(model, split.testX(), 2, 1, config.objective(), 3);
        assertEquals(e.negativeElbo(), parsed.negativeElbo(), 5e-4);
        // and its log p(x) what importance sampling gives on the first 40 test examples with k = 7 and that seed
        Evaluation first40 = Evaluator.evaluate(model, split.testX().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 40), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                1, 7, config.objective(), 3);
        assertEquals(first40.logLikelihood(), parsed.logLikelihood(), 5e-4);
        String markdown = Files.readString(dir.resolve("tiny").resolve("MODEL_CARD.md"));
        assertTrue(markdown.contains("CC BY-SA 3.0"), "the data's license");
        assertTrue(markdown.contains("`./vae4j train --latent 3`"), "the command");
        assertThrows(IllegalArgumentException.class,
                () -> ModelCard.parse(markdown.replace("| −ELBO |", "| ELBO |")), "a card without its −ELBO row");
        assertEquals(card.measured().reconstruction(), parsed.reconstruction(), 5e-4, "a row with escaped pipes reads back");
        assertEquals(card.measured().kl(), parsed.kl(), 5e-4);
    }

    private static Path fashionDir() {
        return Files.isDirectory(SHARED) ? SHARED : DataOptions.defaults().fashionDir();
    }
}
