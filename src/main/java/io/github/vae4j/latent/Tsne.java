package io.github.vae4j.latent;

import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Exact t-SNE (van der Maaten &amp; Hinton 2008, "Visualizing Data using t-SNE", JMLR 9): embeds points in 2-D so
 * that the Student-t neighbourhood distribution Q of the embedding matches the Gaussian one P of the data.
 * <ul>
 *   <li>p_{j|i} ∝ exp(−‖x_i − x_j‖² / 2σ_i²), σ_i found by bisection so that the perplexity 2^{H(P_i)} is
 *       {@code perplexity}; p_ij = (p_{j|i} + p_{i|j}) / 2n;</li>
 *   <li>q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_{k≠l} (1 + ‖y_k − y_l‖²)⁻¹;</li>
 *   <li>∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹, with the paper's optimizer: early exaggeration
 *       (P × 12 for the first 250 iterations), momentum 0.5 then 0.8, and per-coordinate gains.</li>
 * </ul>
 * O(n²) per iteration, for at most a few thousand points (callers subsample). Deterministic for a seed.
 */
public final class Tsne {

    private static final double EXAGGERATION = 12;
    private static final int EXAGGERATION_ITERATIONS = 250;
    private static final double LEARNING_RATE = 200;

    private final double perplexity;
    private final int iterations;
    private final long seed;

    public Tsne(double perplexity, int iterations, long seed) {
        if (!(perplexity >= 2) || iterations < 1) {
            throw new IllegalArgumentException("t-SNE needs perplexity >= 2 and iterations >= 1, got perplexity="
                    + perplexity + " iterations=" + iterations);
        }
        this.perplexity = perplexity;
        this.iterations = iterations;
        this.seed = seed;
    }

    /** The 2-D embedding [n][2] of the rows of {@code x}; {@code progress} (or null) hears each iteration's index. */
    public double[][] embed(double[][] x, IntConsumer progress) {
        int n = x.length;
        if (n < 3 * perplexity + 1) {
            throw new IllegalArgumentException("t-SNE with perplexity " + perplexity + " needs more than "
                    + (int) (3 * perplexity) + " points, got " + n);
        }
        double[][] p = jointProbabilities(x);
        Random rng = new Random(seed);
        double[][] y = new double[n][2];
        for (double[] yi : y) {
            yi[0] = 1e-4 * rng.nextGaussian();
            yi[1] = 1e-4 * rng.nextGaussian();
        }
        double[][] velocity = new double[n][2];
        double[][] gains = new double[n][2];
        for (double[] g : gains) {
            g[0] = 1;
            g[1] = 1;
        }
        double[][] num = new double[n][n];
        double[][] grad = new double[n][2];
        for (int it = 0; it < iterations; it++) {
            double exaggeration = it < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
            double momentum = it < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = y[i][0] - y[j][0];
                    double dy = y[i][1] - y[j][1];
                    double v = 1 / (1 + dx * dx + dy * dy);
                    num[i][j] = v;
                    num[j][i] = v;
                    sum += 2 * v;
                }
            }
            for (int i = 0; i < n; i++) {
                double gx = 0;
                double gy = 0;
                for (int j = 0; j < n; j++) {
                    if (i == j) {
                        continue;
                    }
                    double w = (exaggeration * p[i][j] - num[i][j] / sum) * num[i][j];
                    gx += w * (y[i][0] - y[j][0]);
                    gy += w * (y[i][1] - y[j][1]);
                }
                grad[i][0] = 4 * gx;
                grad[i][1] = 4 * gy;
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    boolean sameSign = Math.signum(grad[i][k]) == Math.signum(velocity[i][k]);
                    gains[i][k] = Math.max(0.01, sameSign ? gains[i][k] * 0.8 : gains[i][k] + 0.2);
                    velocity[i][k] = momentum * velocity[i][k] - LEARNING_RATE * gains[i][k] * grad[i][k];
                    y[i][k] += velocity[i][k];
                }
            }
            center(y);
            if (progress != null) {
                progress.accept(it);
            }
        }
        return y;
    }

    /** p_ij = (p_{j|i} + p_{i|j}) / 2n, each row's σ_i set by bisection on the perplexity. */
    double[][] jointProbabilities(double[][] x) {
        int n = x.length;
        double[][] d2 = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double diff = x[i][k] - x[j][k];
                    s += diff * diff;
                }
                d2[i][j] = s;
                d2[j][i] = s;
            }
        }
        double targetEntropy = Math.log(perplexity);
        double[][] conditional = new double[n][n];
        for (int i = 0; i < n; i++) {
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double beta = 1; // 1 / 2σ_i²
            for (int step = 0; step < 100; step++) {
                double sum = 0;
                double weighted = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        double e = Math.exp(-beta * d2[i][j]);
                        conditional[i][j] = e;
                        sum += e;
                        weighted += e * d2[i][j];
                    }
                }
                if (sum == 0) {
                    sum = Double.MIN_NORMAL;
                }
                double entropy = Math.log(sum) + beta * weighted / sum;
                for (int j = 0; j < n; j++) {
                    conditional[i][j] /= sum;
                }
                if (Math.abs(entropy - targetEntropy) < 1e-5) {
                    break;
                }
                if (entropy > targetEntropy) {
                    lo = beta;
                    beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
            conditional[i][i] = 0;
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i][j] = Math.max((conditional[i][j] + conditional[j][i]) / (2.0 * n), 1e-12);
            }
        }
        return p;
    }

    private static void center(double[][] y) {
        double mx = 0;
        double my = 0;
        for (double[] yi : y) {
            mx += yi[0] / y.length;
            my += yi[1] / y.length;
        }
        for (double[] yi : y) {
            yi[0] -= mx;
            yi[1] -= my;
        }
    }
}
