package io.github.vae4j.cli;

import io.github.vae4j.util.ProcessMemory;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.VaeModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vae4j evaluate}: test ELBO, importance-sampled log-likelihood and collapse diagnostics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model on a data set's test split: -ELBO with its parts, importance-sampled log p(x), active units.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = "--k", defaultValue = "1000", paramLabel = "K", description = "Importance samples per example (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--elbo-samples", defaultValue = "10", paramLabel = "N", description = "z draws per example for the ELBO (default: ${DEFAULT-VALUE}).")
    int elboSamples;

    @Option(names = "--max-examples", defaultValue = "0", paramLabel = "N", description = "Evaluate only the first N test examples; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxExamples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/evaluate/evaluation.json", paramLabel = "FILE", description = "JSON output (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || elboSamples < 1 || maxExamples < 0) {
            throw new IllegalArgumentException("--k and --elbo-samples must be >= 1 and --max-examples >= 0, got k=" + k
                    + " elbo-samples=" + elboSamples + " max-examples=" + maxExamples);
        }
        ModelArgs.Loaded loaded = model.loadWithData(data);
        VaeModel m = loaded.model();
        DataSplit split = loaded.split();
        INDArray x = split.testX();
        int[] labels = split.testLabelArray();
        if (maxExamples > 0 && maxExamples < x.size(0)) {
            x = x.get(NDArrayIndex.interval(0, maxExamples), NDArrayIndex.all());
            labels = labels == null ? null : java.util.Arrays.copyOf(labels, maxExamples);
        }
        // a conditional model is evaluated on [x | y]: its ELBO and importance sampling estimate log p(x|y)
        Evaluation e = Evaluator.evaluate(m.joint(), m.jointInput(x, labels), elboSamples, k, m.config().objective(),
                seed);
        System.out.printf(Locale.ROOT, "%-34s %12s%n", "metric (nats per example)", "value");
        System.out.printf(Locale.ROOT, "%-34s %12d%n", "test examples", e.examples());
        System.out.printf(Locale.ROOT, "%-34s %12.3f%n", "-ELBO (" + e.elboSamples() + " z draws)", e.negativeElbo());
        System.out.printf(Locale.ROOT, "%-34s %12.3f%n", "  reconstruction -E_q[log p(x|z)]", e.reconstruction());
        System.out.printf(Locale.ROOT, "%-34s %12.3f%n", "  KL(q(z|x) || p(z))", e.kl());
        System.out.printf(Locale.ROOT, "%-34s %12.3f%n", (m.conditional() ? "log p(x|y), IS k=" : "log p(x), IS k=")
                + e.importanceSamples(), e.logLikelihood());
        System.out.printf(Locale.ROOT, "%-34s %12.3f%n", "objective (" + e.objective() + ")", e.negativeObjective());
        System.out.printf(Locale.ROOT, "%-34s %9d/%d%n", "active units (Cov > 0.01)", e.activeUnits(), e.latentVariance().length);
        System.out.printf(Locale.ROOT, "%-34s %12.1f%n", "seconds", e.seconds());
        System.out.printf(Locale.ROOT, "%-34s %12s%n", "peak RSS of the process", ProcessMemory.describePeak());
        Json.write(out, e);
        System.out.println("wrote " + out);
        return 0;
    }
}
