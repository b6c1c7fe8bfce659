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
import io.github.vae4j.util.AtomicFiles;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a vae4j model on Spark with DL4J's {@link ParameterAveragingTrainingMaster}: each worker fits its share of
 * every epoch's batches on its own copy of the graph, and the copies' parameters (and Adam's moments) are averaged
 * every {@code averagingFrequency} minibatches. The graph, its layers and losses are vae4j's own ({@code VaeNetwork}
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
     * @param partitions          partitions of each epoch's batches (at least the number of workers' cores)
     * @param overwrite           replace a run already in {@code outputDir}
     * @param images              sample and reconstruction grids after every epoch
     */
    public record Options(Path outputDir, int averagingFrequency, int partitions, boolean overwrite, boolean images) {
        public Options {
            if (averagingFrequency < 1 || partitions < 1) {
                throw new IllegalArgumentException("averaging frequency and partitions must be >= 1, got "
                        + averagingFrequency + " and " + partitions);
            }
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
        VaeTrainer.checkOutputDirectory(new VaeTrainer.Options(dir, 0, false, false, false, 0, options.overwrite()));
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(VaeTrainer.CONFIG_FILE), c.toJson());
        VaeModel model = VaeModel.create(c, DataType.FLOAT, split.normalizer());
        model.setMetadata(model.metadata().withDataset(split.id(), split.sha256()));
        ComputationGraph graph = model.network();

        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(c.batchSize())
                .batchSizePerWorker(c.batchSize())
                .averagingFrequency(options.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .trainingHooks(new WorkerHook())
                .rngSeed(c.seed())
                .build();
        SparkComputationGraph spark = new SparkComputationGraph(sc, graph, master);

        List<EpochMetrics> history = new ArrayList<>();
        List<EpochListener> listeners = new ArrayList<>(List.of(new LoggingListener(), new MetricsFileListener(dir, history)));
        if (options.images()) {
            listeners.add(new ImageListener(dir, split.testX(), split.testLabelArray(),
                    Seeds.derive(c.seed(), Seeds.Stream.PREVIEW, 0)));
        }
        INDArray testRows = model.jointInput(split.testX(), split.testLabelArray());
        long trainRows = split.trainX().size(0);
        log.info("training {} ({}) on Spark {} ({} train / {} test examples, {} partitions, averaging every {} batches) into {}",
                c.describe(), c.objective().describe(), sc.master(), trainRows, split.testX().size(0),
                options.partitions(), options.averagingFrequency(), dir);
        long start = System.nanoTime();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            double klWeight = model.klWeight();
            List<int[]> batches = ExecutorBatches.batchRows(trainRows, c.batchSize(), c.seed(), epoch);
            long t0 = System.nanoTime();
            if (c.conditional()) {
                spark.fitMultiDataSet(ExecutorBatches.conditional(sc, data, batches, options.partitions(), c.classes()));
            } else {
                spark.fit(ExecutorBatches.unconditional(sc, data, batches, options.partitions()));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            graph = spark.getNetwork();
            if (graph != model.network()) {
                throw new IllegalStateException("the Spark trainer replaced the driver's graph");
            }
            graph.incrementEpochCount();
            WorkerHook.prepare(graph);
            Evaluation test = Evaluator.evaluate(model.joint(), testRows, 1, 1, c.objective(),
                    Seeds.derive(c.seed(), Seeds.Stream.TEST_ELBO, epoch));
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
}
