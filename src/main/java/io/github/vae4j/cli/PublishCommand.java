package io.github.vae4j.cli;

import io.github.vae4j.pretrained.ModelCard;
import io.github.vae4j.pretrained.ModelPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vae4j publish}: a training run into a pretrained model's folder with its card (what models/build.sh runs). */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Write a training run as a pretrained model: model.zip without updater state, its checksum, "
                + "sample and reconstruction grids and MODEL_CARD.md with the model measured on the test split.")
public final class PublishCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The training run (vae4j train's --out: model.zip, metrics.jsonl).")
    Path run;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The model's name, e.g. mnist-conv.")
    String name;

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model's folder, e.g. models/mnist-conv.")
    Path out;

    @Option(names = "--command", required = true, paramLabel = "TEXT", description = "The exact command that trained the run, for the card.")
    String command;

    @Option(names = "--k", defaultValue = "5000", paramLabel = "K", description = "Importance samples per example for log p(x) (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--is-examples", defaultValue = "0", paramLabel = "N",
            description = "Importance-sample only the first N test examples; 0 = all (default: ${DEFAULT-VALUE}).")
    long isExamples;

    @Option(names = "--elbo-samples", defaultValue = "10", paramLabel = "N", description = "z draws per example for the ELBO (default: ${DEFAULT-VALUE}).")
    int elboSamples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the evaluation's draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || elboSamples < 1 || isExamples < 0) {
            throw new IllegalArgumentException("--k and --elbo-samples must be >= 1 and --is-examples >= 0, got k=" + k
                    + " elbo-samples=" + elboSamples + " is-examples=" + isExamples);
        }
        ModelPublisher.Training training = ModelPublisher.Training.fromRun(run, command);
        ModelArgs model = new ModelArgs();
        model.model = run.resolve(io.github.vae4j.train.VaeTrainer.MODEL_FILE);
        ModelArgs.Loaded loaded = model.loadWithData(data);
        ModelCard card = ModelPublisher.publish(loaded.model(), loaded.split(), name, out, training, k, isExamples,
                elboSamples, seed);
        ModelCard.Measured m = card.measured();
        System.out.printf(Locale.ROOT, "%s: test -ELBO %.3f, log p(x) %.3f (k=%d, %d examples), active units %d/%d%n",
                name, m.negativeElbo(), m.logLikelihood(), m.k(), m.isExamples(), m.activeUnits(), card.latentSize());
        System.out.println("wrote " + out);
        return 0;
    }
}
