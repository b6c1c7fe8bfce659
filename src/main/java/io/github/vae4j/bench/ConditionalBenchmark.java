package io.github.vae4j.bench;

import io.github.vae4j.data.ConditionedBatch;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.data.ShuffledBatchIterator;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.util.Seeds;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Does a conditional VAE generate the class it is asked for? A small DL4J CNN (LeNet-style: conv 5×5 20, max-pool,
 * conv 5×5 50, max-pool, dense 500, softmax) is trained on the data's training split only, then labels
 * {@code perClass} samples the model generates for each class; the report gives, per class, the share the classifier
 * labels as the requested class, and the classifier's own accuracy on the test split for reference.
 */
public final class ConditionalBenchmark {

    private static final Logger log = LoggerFactory.getLogger(ConditionalBenchmark.class);
    private static final int BATCH = 1000;

    /**
     * What the benchmark measured.
     *
     * @param perClassAccuracy  share of each class's samples the classifier labels as that class
     * @param meanAccuracy      their mean
     * @param samplesPerClass   samples generated per class
     * @param classifierTestAccuracy the classifier's accuracy on the real test split
     * @param classifierEpochs  epochs the classifier trained on the training split
     */
    public record Report(double[] perClassAccuracy, double meanAccuracy, int samplesPerClass,
                         double classifierTestAccuracy, int classifierEpochs) {

        /** The report as a Markdown table, one row per class. */
        public String markdown() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "Classifier (trained on the training split, %d epochs): %.2f%% on the test split.%n%n"
                            + "| class | samples | labelled as the class |%n|---|---|---|%n",
                    classifierEpochs, 100 * classifierTestAccuracy));
            for (int c = 0; c < perClassAccuracy.length; c++) {
                s.append(String.format(Locale.ROOT, "| %d | %d | %.1f%% |%n", c, samplesPerClass,
                        100 * perClassAccuracy[c]));
            }
            s.append(String.format(Locale.ROOT, "| all | %d | %.1f%% |%n", samplesPerClass * perClassAccuracy.length,
                    100 * meanAccuracy));
            return s.toString();
        }
    }

    private ConditionalBenchmark() {
    }

    /** Trains the classifier on {@code data}'s training split and scores {@code model}'s samples. */
    public static Report run(VaeModel model, DataSplit data, int perClass, int classifierEpochs, long seed) {
        if (!model.conditional()) {
            throw new IllegalArgumentException("the conditional-generation benchmark needs a conditional model");
        }
        int side = (int) Math.round(Math.sqrt(data.dimensions()));
        if ((long) side * side != data.dimensions() || !data.labelled()) {
            throw new IllegalArgumentException("the conditional-generation benchmark needs labelled square images, got "
                    + data.id() + " with " + data.dimensions() + " dimensions" + (data.labelled() ? "" : " and no labels"));
        }
        int classes = model.classes();
        MultiLayerNetwork classifier = trainClassifier(data, side, classes, classifierEpochs, seed);
        double testAccuracy = accuracy(classifier, data.testX(), data.testLabelArray());
        log.info(String.format(Locale.ROOT, "classifier: %.2f%% on the test split", 100 * testAccuracy));
        double[] perClassAccuracy = new double[classes];
        for (int c = 0; c < classes; c++) {
            int[] labels = new int[perClass];
            java.util.Arrays.fill(labels, c);
            int correct = 0;
            for (int from = 0; from < perClass; from += BATCH) {
                int to = Math.min(perClass, from + BATCH);
                INDArray samples = model.generate(java.util.Arrays.copyOfRange(labels, from, to),
                        sampleSeed(seed, c, perClass, from));
                int[] predicted = classifier.predict(samples);
                for (int p : predicted) {
                    correct += p == c ? 1 : 0;
                }
            }
            perClassAccuracy[c] = (double) correct / perClass;
            log.info(String.format(Locale.ROOT, "class %d: %.1f%% of %d samples labelled %d", c,
                    100 * perClassAccuracy[c], perClass, c));
        }
        double mean = java.util.Arrays.stream(perClassAccuracy).average().orElse(Double.NaN);
        return new Report(perClassAccuracy, mean, perClass, testAccuracy, classifierEpochs);
    }

    /**
     * The seed of the z of class c's samples from number {@code from} on; a grid of the first samples of class c
     * drawn with {@code sampleSeed(seed, c, perClass, 0)} shows samples the benchmark scored.
     */
    public static long sampleSeed(long seed, int c, int perClass, int from) {
        return Seeds.derive(seed, Seeds.Stream.SAMPLES, (long) c * perClass + from);
    }

    private static MultiLayerNetwork trainClassifier(DataSplit data, int side, int classes, int epochs, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(side, side, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // the trainer's batches (seeded order per epoch) with their one-hot labels as the classifier's targets
        ShuffledBatchIterator batches = new ShuffledBatchIterator(data.trainX(), data.trainLabelArray(), classes, 64,
                seed, 0);
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (epoch > 0) {
                batches.reset();
            }
            while (batches.hasNext()) {
                ConditionedBatch b = (ConditionedBatch) batches.next();
                net.fit(new DataSet(b.getFeatures(), b.condition()));
            }
            log.info("classifier: epoch {} of {} trained", epoch + 1, epochs);
        }
        return net;
    }

    private static double accuracy(MultiLayerNetwork net, INDArray x, int[] labels) {
        int correct = 0;
        for (int from = 0; from < labels.length; from += BATCH) {
            int to = Math.min(labels.length, from + BATCH);
            int[] p = net.predict(x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
            for (int i = 0; i < p.length; i++) {
                correct += p[i] == labels[from + i] ? 1 : 0;
            }
        }
        return (double) correct / labels.length;
    }
}
