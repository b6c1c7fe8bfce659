package io.github.vae4j.cli;

import io.github.vae4j.util.ProcessMemory;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vae4j train}: trains a VAE from a preset plus flag overrides and writes model, metrics and pictures. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a VAE. Flags override the preset; the default is the 784-400-20 Bernoulli reference model on mnist10k.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON preset (see configs/); absent fields keep the built-in defaults (the reference model).")
    Path config;

    @Mixin
    DataArgs data = new DataArgs();

    @Option(names = {"-o", "--out"}, defaultValue = "runs/train", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "Override epochs.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Override batchSize.")
    Integer batchSize;

    @Option(names = "--latent", paramLabel = "N", description = "Override latentSize.")
    Integer latent;

    @Option(names = "--encoder", split = ",", paramLabel = "W", description = "Replace the encoder by dense blocks of these widths, e.g. 512,256.")
    List<Integer> encoder;

    @Option(names = "--decoder", split = ",", paramLabel = "W", description = "Replace the decoder by dense blocks of these widths, e.g. 256,512.")
    List<Integer> decoder;

    @Option(names = "--likelihood", paramLabel = "L", description = "Override likelihood: bernoulli, gaussian, gaussian_learned_variance.")
    String likelihood;

    @Option(names = "--lr", paramLabel = "X", description = "Override learningRate.")
    Double learningRate;

    @Option(names = "--objective", paramLabel = "KIND",
            description = "Override objective.kind: elbo, or iwae (the importance-weighted bound with --k samples).")
    String objective;

    @Option(names = "--k", paramLabel = "N", description = "Override objective.samples: z draws per example for iwae.")
    Integer samples;

    @Option(names = "--beta", paramLabel = "X", description = "Override objective.beta (KL weight of the ELBO).")
    Double beta;

    @Option(names = "--free-bits", paramLabel = "X",
            description = "Override objective.freeBits: nats per latent dimension below which the KL gives no gradient.")
    Double freeBits;

    @Option(names = "--kl-schedule", paramLabel = "S",
            description = "Override objective.klSchedule: constant, linear:N (warm-up over N epochs) or cyclical:M:R "
                    + "(M cycles, ramp over ratio R of each).")
    String klSchedule;

    @Option(names = "--kl-warmup", paramLabel = "N", description = "Shorthand for --kl-schedule linear:N.")
    Integer klWarmup;

    @Option(names = "--conditional", description = "A conditional VAE: encoder and decoder also take the one-hot class "
            + "label (the classes come from the data's labels).")
    boolean conditional;

    @Option(names = "--seed", paramLabel = "N", description = "Override seed.")
    Long seed;

    @Option(names = "--max-batches", defaultValue = "0", paramLabel = "N",
            description = "Stop each epoch after N batches, for quick runs; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(names = "--binarize", description = "Dynamic binarization: a fresh Bernoulli draw of the pixels each batch.")
    boolean binarize;

    @Option(names = "--no-progress", description = "No terminal progress bar.")
    boolean noProgress;

    @Option(names = "--no-images", description = "No PNG grids per epoch.")
    boolean noImages;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its checkpoint, with the run's own settings (give the same --data).")
    Path resume;

    @Option(names = "--overwrite", description = "Replace a run already in the output directory.")
    boolean overwrite;

    @Option(names = "--checkpoint-minutes", defaultValue = "0", paramLabel = "M",
            description = "Also checkpoint within an epoch every M minutes (default: ${DEFAULT-VALUE}: at the end of each epoch only).")
    double checkpointMinutes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainingResult r = run();
        System.out.printf(Locale.ROOT, "trained %d epochs: test loss %.3f nats (recon %.3f, kl %.3f), %.0f ex/s, "
                        + "peak RSS %s%nmodel: %s%n", r.last().epoch(), r.last().testLoss(), r.last().testRecon(),
                r.last().testKl(), r.last().examplesPerSecond(), ProcessMemory.describePeak(), r.modelPath());
        return 0;
    }

    /** Resolves the config, loads the data and trains; what {@link #call()} prints comes from the result. */
    TrainingResult run() throws Exception {
        if (resume != null) {
            return resume();
        }
        VaeConfig c = resolveConfig();
        VaeTrainer.Options options = new VaeTrainer.Options(out, maxBatches, binarize, !noProgress, !noImages,
                checkpointMinutes, overwrite);
        VaeTrainer.checkOutputDirectory(options);
        DataSplit split = data.load(c.seed());
        return new VaeTrainer(c, options).train(split);
    }

    /** --resume DIR: the run's own settings; a flag that would change them is an error. */
    private TrainingResult resume() throws Exception {
        List<String> settings = List.of("--config", "--out", "--epochs", "--batch-size", "--latent", "--encoder",
                "--decoder", "--likelihood", "--lr", "--objective", "--k", "--beta", "--free-bits", "--kl-schedule",
                "--kl-warmup", "--conditional", "--seed", "--max-batches", "--binarize", "--overwrite");
        for (String flag : settings) {
            if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new IllegalArgumentException("--resume continues a run with its own settings; " + flag
                        + " cannot change them (start a new run in another directory instead)");
            }
        }
        VaeConfig c = io.github.vae4j.model.ModelFile.readMetadata(VaeTrainer.checkpointIn(resume)).config();
        DataSplit split = data.load(c.seed());
        return VaeTrainer.resume(resume, split, new VaeTrainer.Options(resume, 0, false, !noProgress, !noImages,
                checkpointMinutes, false));
    }

    VaeConfig resolveConfig() {
        VaeConfig base = config == null ? VaeConfig.defaults() : VaeConfig.load(config);
        Map<String, Object> o = new LinkedHashMap<>();
        put(o, "epochs", epochs);
        put(o, "batchSize", batchSize);
        put(o, "latentSize", latent);
        put(o, "encoder", denseBlocks(encoder));
        put(o, "decoder", denseBlocks(decoder));
        put(o, "likelihood", likelihood);
        put(o, "learningRate", learningRate);
        if (klWarmup != null && klSchedule != null) {
            throw new IllegalArgumentException("--kl-warmup " + klWarmup + " and --kl-schedule " + klSchedule
                    + " both set the KL schedule; give one");
        }
        Map<String, Object> obj = new LinkedHashMap<>();
        put(obj, "kind", objective);
        put(obj, "samples", samples);
        put(obj, "beta", beta);
        put(obj, "freeBits", freeBits);
        put(obj, "klSchedule", klWarmup == null ? klSchedule : klWarmup == 0 ? "constant" : "linear:" + klWarmup);
        if ("iwae".equalsIgnoreCase(objective) && samples == null && base.objective().samples() == 1) {
            throw new IllegalArgumentException("--objective iwae needs --k N, the samples per example (e.g. --k 5)");
        }
        if (!obj.isEmpty()) {
            o.put("objective", obj);
        }
        put(o, "seed", seed);
        if (conditional) {
            o.put("conditional", true);
        }
        return base.withOverrides(o);
    }

    private static List<Map<String, Object>> denseBlocks(List<Integer> widths) {
        return widths == null ? null : widths.stream().map(w -> Map.<String, Object>of("type", "dense", "width", w)).toList();
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
