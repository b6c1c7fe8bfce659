package io.github.vae4j.bench;

import io.github.vae4j.data.ShuffledBatchIterator;
import io.github.vae4j.engine.BernoulliKernel;
import io.github.vae4j.engine.BiasActivationKernel;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;

/**
 * The training step's Java kernels against the ND4J ops of their readable definitions, at the reference model's
 * shapes (batch 128, 784 inputs, 400 hidden units), in one process, fresh input for every call:
 * <ul>
 *   <li>a minibatch: {@link ShuffledBatchIterator}'s copy into its reused 'f'-order arrays against
 *   {@code Nd4j.pullRows} into a new one;</li>
 *   <li>the Bernoulli loss: {@link BernoulliKernel#gradientAndScore} (σ, σ − x and the score, both threads) against
 *   ND4J's sigmoid op alone;</li>
 *   <li>a dense layer's backward: {@link BiasActivationKernel#backward} (ReLU derivative and bias gradient) against
 *   ND4J's ReLU backprop and column sum.</li>
 * </ul>
 * Run: {@code source bin/native-env.sh; java -cp "target/vae4j.jar:target/lib/*" io.github.vae4j.bench.KernelBenchmark}.
 */
public final class KernelBenchmark {

    private static final Logger log = LoggerFactory.getLogger(KernelBenchmark.class);
    private static final int ROWS = 128;
    private static final int PIXELS = 784;
    private static final int HIDDEN = 400;

    private KernelBenchmark() {
    }

    /** Median microseconds per call of {@code body} over 5 repeats of {@code calls} calls, after a warm-up. */
    static double micros(int calls, Runnable body) {
        for (int i = 0; i < 2 * calls; i++) {
            body.run();
        }
        double[] us = new double[5];
        for (int r = 0; r < us.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                body.run();
            }
            us[r] = (System.nanoTime() - t0) / 1e3 / calls;
        }
        Arrays.sort(us);
        return us[2];
    }

    public static void main(String[] args) {
        Nd4j.getRandom().setSeed(1);
        INDArray features = Nd4j.rand(DataType.FLOAT, 9003, PIXELS);
        ShuffledBatchIterator batches = new ShuffledBatchIterator(features, ROWS, 1, 0);
        int[] rows = new int[ROWS];
        java.util.Random random = new java.util.Random(2);
        report("minibatch of 128 rows", micros(500, () -> {
            for (int i = 0; i < ROWS; i++) {
                rows[i] = random.nextInt(9003);
            }
            Nd4j.pullRows(features, 1, rows, 'f');
        }), "Nd4j.pullRows", micros(500, () -> {
            if (!batches.hasNext()) {
                batches.reset();
            }
            batches.next();
        }), "ShuffledBatchIterator.next");

        INDArray logits = Nd4j.randn(DataType.FLOAT, ROWS, PIXELS).muli(4).dup('f');
        INDArray x = Nd4j.rand(DataType.FLOAT, ROWS, PIXELS).dup('f');
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {ROWS, PIXELS}, 'f');
        report("Bernoulli loss, 128x784", micros(1000, () -> Nd4j.exec(new Sigmoid(logits, out))), "ND4J sigmoid op",
                micros(1000, () -> BernoulliKernel.gradientAndScore(logits, x, out)), "BernoulliKernel (sigma, gradient, score)");

        INDArray source = Nd4j.randn(DataType.FLOAT, ROWS, HIDDEN).dup('f');
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, ROWS, HIDDEN).dup('f');
        INDArray pre = source.dup('f');
        INDArray biasGrad = Nd4j.create(DataType.FLOAT, 1, HIDDEN);
        ActivationReLU relu = new ActivationReLU();
        report("dense backward, ReLU, 128x400", micros(1000, () -> {
            pre.assign(source);
            relu.backprop(pre, epsilon.dup('f')).getFirst().sum(0);
        }), "ND4J ReLU backprop + column sum", micros(1000, () -> {
            pre.assign(source);
            BiasActivationKernel.backward(pre, epsilon, biasGrad, true);
        }), "BiasActivationKernel.backward");
        System.exit(0);
    }

    private static void report(String what, double definition, String definitionName, double kernel, String kernelName) {
        log.info(String.format(Locale.ROOT, "%s: %s %.1f us, %s %.1f us (%.1fx)", what, definitionName, definition,
                kernelName, kernel, definition / kernel));
    }
}
