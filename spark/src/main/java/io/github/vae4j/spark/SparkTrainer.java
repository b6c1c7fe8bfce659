package io.github.vae4j.spark;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.eval.Evaluation;
import io.github.vae4j.eval.Evaluator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.train.EpochListener;
import io.github.vae4j.train.EpochMetrics;
import io.github.vae4j.train.ImageListener;
import io.github.vae4j.train.LoggingListener;
import io.github.vae4j.train.MetricsFileListener;
import io.github.vae4j.train.TrainingResult;
import io.github.vae4j.train.VaeTrainer;
import io.github.vae4j.util.Seeds;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a vae4j model on Spark with DL4J's {@link ParameterAveragingTrainingMaster}: each worker fits its share of
 * every epoch's batches on its own copy of the graph, and the copies' parameters (optionally Adam's moments too) are
 * averaged every {@code averagingFrequency} minibatches, and the driver's epoch count (and iteration count, with the
 * updater averaged) reaches the workers
 * ({@link WorkerHook}). The graph, its layers and losses are vae4j's own ({@code VaeNetwork}
 * via {@link VaeModel#create}); the batches are gathered on the executors ({@link ExecutorBatches}); after every
 * epoch the driver evaluates the test split and writes what {@code vae4j train} writes: {@code model.zip} with its
 * metadata, {@code config.json}, {@code metrics.jsonl}, the loss curves and (optionally) sample and reconstruction
 * grids, so that {@code sample}, {@code evaluate} and plain DL4J loading work on the result.
 *
 * <p>The driver reads the data set too, for its test split, shape, checksum and normalizer; the training rows it
 * reads are not used, the executors read their own.
 */
public final class SparkTrainer {

    private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);

    /**
     * @param outputDir           where the model and metrics go
     * @param averagingFrequency  minibatches each worker fits between parameter averagings
     * @param workers             parallel workers (model copies), e.g. the executors' total cores; each epoch's
     *                            batches are split into this many partitions
     * @param averageUpdater      average Adam's moments with the parameters and carry the iteration count (Adam's
     *                            bias correction) to the workers; off, every worker starts each round with fresh
     *                            moments, DL4J's default (measured better here, docs/distributed.md)
     * @param overwrite           replace a run already in {@code outputDir}
     * @param images              sample and reconstruction grids after every epoch
     */
    public record Options(Path outputDir, int averagingFrequency, int workers, boolean averageUpdater,
                          boolean overwrite, boolean images) {
        public Options {
            if (averagingFrequency < 1 || workers < 1) {
                throw new IllegalArgumentException("averaging frequency and workers must be >= 1, got "
                        + averagingFrequency + " and " + workers);
            }
        }

        /** The output directory's options as {@code vae4j train} checks and starts them. */
        VaeTrainer.Options trainerOptions() {
            return new VaeTrainer.Options(outputDir, 0, false, false, false, 0, overwrite);
        }
    }

    private final VaeConfig config;
    private final Options options;

    public SparkTrainer(VaeConfig config, Options options) {
        this.config = config;
        this.options = options;
    }

    /** Trains a new model on the data set {@code data} and returns it with its history. */
    public TrainingResult train(JavaSparkContext sc, DataRef data) throws IOException {
        DataSplit split = data.read();
        VaeConfig c = VaeTrainer.forData(config, split);
        Path dir = options.outputDir();
        VaeTrainer.startRunDirectory(options.trainerOptions(), c);
        VaeModel model = VaeModel.create(c, DataType.FLOAT, split.normalizer());
        model.setMetadata(model.metadata().withDataset(split.id(), split.sha256()));
        ComputationGraph graph = model.network();

        WorkerHook hook = new WorkerHook();
        SparkComputationGraph spark = new SparkComputationGraph(sc, graph, master(c, options, hook));

        List<EpochMetrics> history = new ArrayList<>();
        List<EpochListener> listeners = new ArrayList<>(List.of(new LoggingListener(), new MetricsFileListener(dir, history)));
        if (options.images()) {
            listeners.add(new ImageListener(dir, split.testX(), split.testLabelArray(),
                    Seeds.derive(c.seed(), Seeds.Stream.PREVIEW, 0)));
        }
        INDArray testRows = model.jointInput(split.testX(), split.testLabelArray());
        long trainRows = split.trainX().size(0);
        log.info("training {} ({}) on Spark {} ({} train / {} test examples, {} workers, averaging every {} batches) into {}",
                c.describe(), c.objective().describe(), sc.master(), trainRows, split.testX().size(0),
                options.workers(), options.averagingFrequency(), dir);
        long start = System.nanoTime();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            double klWeight = model.klWeight();
            List<int[]> batches = ExecutorBatches.batchRows(trainRows, c.batchSize(), c.seed(), epoch);
            hook.setCounts(graph.getConfiguration().getEpochCount(),
                    options.averageUpdater() ? graph.getConfiguration().getIterationCount() : 0);
            long t0 = System.nanoTime();
            if (c.conditional()) {
                var rdd = ExecutorBatches.conditional(sc, data, batches, options.workers(), c.classes());
                spark.fitMultiDataSet(rdd);
                rdd.unpersist(false);
            } else {
                var rdd = ExecutorBatches.unconditional(sc, data, batches, options.workers());
                spark.fit(rdd);
                rdd.unpersist(false);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Evaluation test = Evaluator.evaluate(model.joint(), testRows, 1, 1, c.objective(),
                    Seeds.derive(c.seed(), Seeds.Stream.TEST_ELBO, epoch));
            if (!Double.isFinite(test.negativeElbo())) {
                throw new IllegalStateException("training diverged in epoch " + (epoch + 1) + ": test -ELBO "
                        + test.negativeElbo() + " (learning rate " + c.learningRate() + "; try a lower one); the model "
                        + "of the last finite epoch is kept in " + dir.resolve(VaeTrainer.MODEL_FILE));
            }
            // the train loss is the Spark trainer's score: the workers' mean loss of the last averaging round
            EpochMetrics m = new EpochMetrics(epoch + 1, spark.getScore(), test.negativeElbo(), test.reconstruction(),
                    test.kl(), test.negativeObjective(), klWeight, trainRows / seconds, seconds,
                    (System.nanoTime() - start) / 1e9);
            history.add(m);
            model.setMetadata(model.metadata().withMetrics(m.asMetadata()));
            model.save(dir.resolve(VaeTrainer.MODEL_FILE));
            for (EpochListener l : listeners) {
                l.onEpochEnd(model, m);
            }
        }
        for (EpochListener l : listeners) {
            l.onTrainingEnd(model, history);
        }
        return new TrainingResult(model, dir.resolve(VaeTrainer.MODEL_FILE), List.copyOf(history));
    }

    /**
     * DL4J's parameter-averaging master: every worker fits {@code averagingFrequency} minibatches of its partition,
     * then the parameters of all workers (and Adam's moments, with {@code averageUpdater}) are averaged on the driver.
     */
    static ParameterAveragingTrainingMaster master(VaeConfig c, Options options, WorkerHook hook) {
        return new ParameterAveragingTrainingMaster.Builder(options.workers(), c.batchSize())
                .batchSizePerWorker(c.batchSize())
                .averagingFrequency(options.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .saveUpdater(options.averageUpdater())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .trainingHooks(hook)
                .rngSeed(c.seed())
                .build();
    }
}
