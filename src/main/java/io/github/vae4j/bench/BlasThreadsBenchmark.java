package io.github.vae4j.bench;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.ShuffledBatchIterator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.EpochLoop;
import io.github.vae4j.train.VaeTrainer;
import io.github.vae4j.util.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput of the reference model on mnist10k under different OpenBLAS thread counts, side by side in
 * one process: epochs cycle through the settings ({@code Nd4j.factory().blas().setMaxThreads}), the first cycle is
 * warm-up, and each setting's median examples/s is logged. How docs/performance.md decides that vae4j keeps BLAS on
 * the calling thread.
 *
 * <pre>java -cp "target/vae4j.jar:target/lib/*" io.github.vae4j.bench.BlasThreadsBenchmark [EPOCHS [THREADS,...]]</pre>
 * (defaults: 21 epochs, settings 1,2; run with {@code source bin/native-env.sh} first, as {@code ./vae4j} does)
 */
public final class BlasThreadsBenchmark {

    private static final Logger log = LoggerFactory.getLogger(BlasThreadsBenchmark.class);

    private BlasThreadsBenchmark() {
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        String[] settings = (args.length > 1 ? args[1] : "1,2").split(",");
        if (epochs < 2 * settings.length) {
            throw new IllegalArgumentException("need at least two epochs per setting, got " + epochs + " for "
                    + settings.length + " settings");
        }
        DataSplit data = DataSets.mnist10k();
        VaeConfig config = VaeTrainer.forData(VaeConfig.defaults(), data);
        VaeModel model = VaeModel.create(config);
        Nd4j.getRandom().setSeed(Seeds.derive(config.seed(), Seeds.Stream.TRAINING_NOISE, 0));
        EpochLoop.Step step = EpochLoop.of(model.network());
        DataSetIterator batches = new ShuffledBatchIterator(data.trainX(), config.batchSize(), config.seed(), 0);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            String setting = settings[epoch % settings.length].trim();
            Nd4j.factory().blas().setMaxThreads(Integer.parseInt(setting));
            if (epoch > 0) {
                batches.reset();
            }
            double rate = EpochLoop.run(batches, step, epoch, null).examplesPerSecond();
            if (epoch >= settings.length) {
                rates.computeIfAbsent(setting, k -> new ArrayList<>()).add(rate);
            }
        }
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            log.info(String.format(Locale.ROOT, "OpenBLAS threads %s: median %.0f ex/s over %d epochs", e.getKey(),
                    TrainingBenchmark.median(v), v.length));
        }
    }
}
