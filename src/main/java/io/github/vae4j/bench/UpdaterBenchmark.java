package io.github.vae4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.Arrays;

/** Time of one updater step (gradient → update, state advanced) over a flat fp32 parameter vector. */
public final class UpdaterBenchmark {

    private UpdaterBenchmark() {
    }

    /** One measured updater: median milliseconds per step over 5 repeats. */
    public record Result(String updater, long parameters, double millisPerStep) {
    }

    /** Steps {@code updater} on a random gradient of {@code parameters} values for about {@code seconds}. */
    public static Result measure(IUpdater updater, long parameters, double seconds) {
        GradientUpdater<?> u = updater.instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * parameters), true);
        INDArray source = Nd4j.rand(DataType.FLOAT, 1, parameters).subi(0.5).muli(1e-2);
        INDArray gradient = source.dup();
        int iteration = 0;
        for (int i = 0; i < 5; i++) {
            gradient.assign(source);
            u.applyUpdater(gradient, iteration++, 0);
        }
        long t0 = System.nanoTime();
        u.applyUpdater(gradient.assign(source), iteration++, 0);
        double once = Math.max(System.nanoTime() - t0, 1);
        int reps = (int) Math.max(3, Math.min(10_000, seconds * 1e9 / once / 5));
        double[] ms = new double[5];
        for (int r = 0; r < 5; r++) {
            long copy = 0;
            long s = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                long c = System.nanoTime();
                gradient.assign(source);
                copy += System.nanoTime() - c;
                u.applyUpdater(gradient, iteration++, 0);
            }
            ms[r] = (System.nanoTime() - s - copy) / 1e6 / reps;
        }
        Arrays.sort(ms);
        return new Result(updater.getClass().getSimpleName(), parameters, ms[2]);
    }
}
