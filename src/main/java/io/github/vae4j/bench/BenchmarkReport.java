package io.github.vae4j.bench;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.util.Machine;

import java.util.List;
import java.util.Locale;

/**
 * Everything one {@code vae4j bench} run measured, with the machine it ran on; serialized to JSON and rendered as
 * the Markdown of docs/benchmarks.md.
 *
 * @param machine         CPU model and core count
 * @param environment     the native-backend settings in effect (OPENBLAS_CORETYPE, OMP_NUM_THREADS)
 * @param model           the benchmark model
 * @param settings        epochs, k, ELBO draws
 * @param flopPerExample  FLOP counted per training example
 * @param sgemmSquare     SGEMM at 1024³
 * @param sgemmStep       SGEMM at each product of one training step
 * @param sgemmStepGflops the training step's products together (total FLOP / total time)
 * @param updaterSteps    one Adam step over the model's parameters: DL4J's Adam and vae4j's OnePassAdam
 * @param datasets        per data set results
 */
public record BenchmarkReport(String machine, String environment, String model, TrainingBenchmark.Settings settings,
                              double flopPerExample, GemmBenchmark.Result sgemmSquare,
                              List<GemmBenchmark.Result> sgemmStep, double sgemmStepGflops,
                              List<UpdaterBenchmark.Result> updaterSteps,
                              List<TrainingBenchmark.DataReport> datasets) {

    public static BenchmarkReport of(VaeConfig c, TrainingBenchmark.Settings settings, GemmBenchmark.Result square,
            List<GemmBenchmark.Result> step, List<UpdaterBenchmark.Result> updaterSteps,
            List<TrainingBenchmark.DataReport> datasets) {
        String model = c.describe() + ", " + c.activation() + ", Adam " + c.learningRate()
                + ", batch " + c.batchSize() + ", fp32, seed " + c.seed();
        return new BenchmarkReport(Machine.describe(), Machine.environment(), model, settings, c.architecture().trainingFlopPerExample(), square, step,
                step.isEmpty() ? Double.NaN : GemmBenchmark.combinedGflops(step), updaterSteps, datasets);
    }

    /** The report as Markdown: machine, SGEMM rates, and one comparison table per data set. */
    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine).append("; ").append(environment).append("\n\n");
        s.append("Model: ").append(model).append("; ").append(settings.epochs()).append(" epochs per trainer")
                .append(settings.maxBatches() > 0 ? " (capped at " + settings.maxBatches() + " batches)" : "")
                .append(String.format(Locale.ROOT, "; %.3f MFLOP per training example.%n%n", flopPerExample / 1e6));
        s.append("SGEMM (`Nd4j.gemm` into a preallocated array, same process):\n\n| product | GFLOP/s | µs/call |\n|---|---|---|\n");
        row(s, sgemmSquare);
        for (GemmBenchmark.Result r : sgemmStep) {
            row(s, r);
        }
        if (!sgemmStep.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| **training step, all products above but 1024³** | **%.1f** | %.0f |%n",
                    sgemmStepGflops, sgemmStep.stream().mapToDouble(GemmBenchmark.Result::microsPerCall).sum()));
        }
        s.append('\n');
        s.append("Adam step over the model's parameters (same process):\n\n| updater | parameters | ms/step |\n|---|---|---|\n");
        for (UpdaterBenchmark.Result u : updaterSteps) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %.3f |%n", u.updater(), u.parameters(), u.millisPerStep()));
        }
        s.append('\n');
        for (TrainingBenchmark.DataReport d : datasets) {
            table(s, d);
        }
        return s.toString();
    }

    private void table(StringBuilder s, TrainingBenchmark.DataReport d) {
        TrainingBenchmark.TrainerReport a = d.vae4j();
        TrainingBenchmark.TrainerReport b = d.baseline();
        Evaluation ea = a.evaluation();
        s.append(String.format(Locale.ROOT, "### %s (%d train / %d test)%n%n", d.dataset(), d.trainExamples(), d.testExamples()));
        TrainingBenchmark.PytorchReport p = d.pytorch();
        if (p != null) {
            s.append(String.format(Locale.ROOT, "Side by side with PyTorch %s (%d threads), epochs in rotating rounds:%n%n",
                    p.torchVersion(), p.threads()));
            s.append("| | vae4j | PyTorch | vae4j / PyTorch, per round: median [min, max] |\n|---|---|---|---|\n");
            s.append(String.format(Locale.ROOT, "| median examples/s (%d epochs) | %.0f | %.0f | **%.2fx** [%.2f, %.2f] |%n",
                    a.epochSeconds().length, a.medianExamplesPerSecond(), p.medianExamplesPerSecond(),
                    p.ratio().median(), p.ratio().min(), p.ratio().max()));
            s.append(String.format(Locale.ROOT, "| last epoch / median epoch time | %.2f | %.2f | |%n",
                    last(a.epochSeconds()) / TrainingBenchmark.median(a.epochSeconds()),
                    last(p.epochSeconds()) / TrainingBenchmark.median(p.epochSeconds())));
            s.append(String.format(Locale.ROOT, "| train loss, last epoch (nats) | %.3f | %.3f | |%n", a.trainLoss(), p.trainLoss()));
            s.append(String.format(Locale.ROOT, "| test −ELBO | %.3f | %.3f | |%n", ea.negativeElbo(), p.testNegativeElbo()));
            s.append(String.format(Locale.ROOT, "| test log p(x), IS k=%d | %.3f | %.3f | |%n%n", p.k(), ea.logLikelihood(),
                    p.testLogLikelihood()));
            s.append("Examples/s per epoch, PyTorch: ").append(list(p.examplesPerSecond(), "%.0f")).append("\n\n");
        } else {
            s.append("PyTorch: ").append(d.pytorchSkipped()).append("\n\n");
        }
        s.append("Examples/s per epoch, vae4j: ").append(list(a.examplesPerSecond(), "%.0f")).append("\n\n");
        if (b == null) {
            s.append(String.format(Locale.ROOT, "vae4j: test log p(x), IS k=%d: %.3f; evaluation %.1f s, peak RSS %s; "
                    + "peak RSS during training %s.%n%n", ea.importanceSamples(), ea.logLikelihood(), ea.seconds(),
                    gib(a.evalPeakRssBytes()), gib(d.trainPeakRssBytes())));
            return;
        }
        Evaluation eb = b.evaluation();
        s.append("| | vae4j | ").append(d.baselineName()).append(" | vae4j / baseline |\n|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| median examples/s (%d epochs) | %.0f | %.0f | **%.2fx** (per round: %.2f–%.2f) |%n",
                a.epochSeconds().length, a.medianExamplesPerSecond(), b.medianExamplesPerSecond(), d.speedup(),
                d.baselineRatio().min(), d.baselineRatio().max()));
        s.append(String.format(Locale.ROOT, "| achieved GFLOP/s | %.1f | %.1f | |%n", a.gflops(), b.gflops()));
        if (!sgemmStep.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| share of SGEMM at training-step shapes (%.1f GFLOP/s) | %.0f%% | %.0f%% | |%n",
                    sgemmStepGflops, 100 * a.gflops() / sgemmStepGflops, 100 * b.gflops() / sgemmStepGflops));
        }
        s.append(String.format(Locale.ROOT, "| share of SGEMM 1024³ (%.1f GFLOP/s) | %.0f%% | %.0f%% | |%n",
                sgemmSquare.gflops(), 100 * a.gflops() / sgemmSquare.gflops(), 100 * b.gflops() / sgemmSquare.gflops()));
        s.append(String.format(Locale.ROOT, "| epoch time, first → last (s) | %.2f → %.2f | %.2f → %.2f | |%n",
                a.epochSeconds()[0], last(a.epochSeconds()), b.epochSeconds()[0], last(b.epochSeconds())));
        s.append(String.format(Locale.ROOT, "| last / first epoch time | %.2f | %.2f | |%n", a.lastOverFirstEpoch(),
                b.lastOverFirstEpoch()));
        s.append(String.format(Locale.ROOT, "| train loss, last epoch (nats) | %.3f | %.3f | |%n", a.trainLoss(), b.trainLoss()));
        s.append(String.format(Locale.ROOT, "| test −ELBO (%d z draws) | %.3f | %.3f | |%n", ea.elboSamples(),
                ea.negativeElbo(), eb.negativeElbo()));
        s.append(String.format(Locale.ROOT, "| &nbsp; reconstruction / KL | %.3f / %.3f | %.3f / %.3f | |%n",
                ea.reconstruction(), ea.kl(), eb.reconstruction(), eb.kl()));
        s.append(String.format(Locale.ROOT, "| test log p(x), IS k=%d | **%.3f** | **%.3f** | |%n", ea.importanceSamples(),
                ea.logLikelihood(), eb.logLikelihood()));
        s.append(String.format(Locale.ROOT, "| active units | %d/%d | %d/%d | |%n", ea.activeUnits(),
                ea.latentVariance().length, eb.activeUnits(), eb.latentVariance().length));
        s.append(String.format(Locale.ROOT, "| evaluation time (ELBO + IS, s) | %.1f | %.1f | |%n", ea.seconds(), eb.seconds()));
        s.append(String.format(Locale.ROOT, "| peak RSS during evaluation | %s | %s | |%n", gib(a.evalPeakRssBytes()),
                gib(b.evalPeakRssBytes())));
        s.append(String.format(Locale.ROOT, "| peak RSS during training (both trainers, one process) | %s | | |%n%n",
                gib(d.trainPeakRssBytes())));
        s.append("Examples/s per epoch, baseline: ").append(list(b.examplesPerSecond(), "%.0f")).append("\n\n");
    }

    private static void row(StringBuilder s, GemmBenchmark.Result r) {
        s.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", r.shape(), r.gflops(), r.microsPerCall()));
    }

    private static double last(double[] v) {
        return v[v.length - 1];
    }

    private static String list(double[] v, String format) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, x));
        }
        return b.toString();
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
