package io.github.vae4j.latent;

import io.github.vae4j.model.VaeModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Completing and cleaning images with a VAE (Rezende, Mohamed &amp; Wierstra 2014, §5): the missing pixels are filled
 * in by iterating the encode–decode chain with the known pixels clamped, x ← known ⊙ x + (1 − known) ⊙ decode(μ(x)),
 * starting from a fill (the mean training image): with a seed z is drawn from q(z|x) at each step and the second half's
 * decodings are averaged, without one the posterior mean stands in for z and the chain is deterministic. Denoising is one pass, decode(μ(x̃)). Metrics on the pixels that matter: the mean squared error and
 * the mean Bernoulli log-likelihood of the truth under the result (pixels as probabilities, clipped to [1e-6, 1 − 1e-6]).
 */
public final class Completion {

    /** Which pixels of a square image are missing. */
    public enum Mask {
        /** The bottom half of the rows. */
        BOTTOM,
        /** The right half of the columns. */
        RIGHT,
        /** Each pixel with probability ½, drawn per image (seeded). */
        RANDOM,
        /** The centred square of half the side. */
        CENTER
    }

    /** How images are corrupted for denoising. */
    public enum Noise {
        /** Each pixel set to 0 or 1 (equally likely) with probability {@code level}. */
        SALT_AND_PEPPER,
        /** N(0, level²) added to each pixel, clipped to [0, 1]. */
        GAUSSIAN
    }

    private Completion() {
    }

    /** [n, side²] of 1 (known) and 0 (missing) for {@code n} square images. */
    public static INDArray knownPixels(Mask mask, int n, int side, long seed) {
        double[][] known = new double[n][side * side];
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    boolean missing = switch (mask) {
                        case BOTTOM -> r >= side / 2;
                        case RIGHT -> c >= side / 2;
                        case RANDOM -> rng.nextBoolean();
                        case CENTER -> r >= side / 4 && r < side / 4 + side / 2 && c >= side / 4 && c < side / 4 + side / 2;
                    };
                    known[i][r * side + c] = missing ? 0 : 1;
                }
            }
        }
        return Nd4j.createFromArray(known);
    }

    /**
     * Fills the missing pixels of x (where {@code known} is 0) by {@code iterations} steps of the clamped
     * encode–decode chain from {@code fill} ([1, d], e.g. the mean training image). With {@code seed} null the chain
     * decodes the posterior mean μ(x) each step and returns its last state (1 iteration = a single reconstruction
     * pass); with a seed it draws z ~ q(z|x) each step (Rezende et al.'s Markov chain) and returns the average of the
     * decodings over the second half of the steps, an estimate of the missing pixels' conditional mean.
     * {@code labels} for a conditional model, else null.
     */
    public static INDArray inpaint(VaeModel model, INDArray x, int[] labels, INDArray known, INDArray fill,
            int iterations, Long seed) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        INDArray k = known.castTo(x.dataType());
        INDArray missing = k.rsub(1.0);
        INDArray current = x.mul(k).addi(missing.mulRowVector(fill.castTo(x.dataType())));
        LatentSpace space = new LatentSpace(model);
        INDArray y = model.conditional() ? model.oneHot(labels) : null;
        INDArray average = null;
        int averaged = 0;
        for (int t = 0; t < iterations; t++) {
            io.github.vae4j.model.Posterior q = space.encode(current, labels);
            INDArray z = seed == null ? q.mu() : model.sampleLatent(q, io.github.vae4j.util.Seeds.derive(seed,
                    io.github.vae4j.util.Seeds.Stream.CHAIN, t));
            INDArray decoded = model.decode(z, y).castTo(x.dataType());
            current = x.mul(k).addi(decoded.mul(missing));
            if (seed != null && t >= iterations / 2) {
                average = average == null ? decoded : average.addi(decoded);
                averaged++;
            }
        }
        return average == null ? current : x.mul(k).addi(average.divi(averaged).muli(missing));
    }

    /**
     * The model's conditional mean of the missing pixels given the known ones, E[x_m | x_o] = ∫ E[x_m | z] p(z | x_o) dz,
     * by self-normalized importance sampling: z_s ~ r(z), w_s ∝ p(x_o | z_s) p(z_s) / r(z_s), result
     * Σ_s w̃_s decode(z_s) on the missing pixels (x on the known ones). The proposal is the defensive mixture
     * r(z) = ½ q(z | x̂) + ½ N(0, I) (Hesterberg 1995) with x̂ the input filled with {@code fill} ([1, d]): the encoder's
     * guess from the filled image, with the prior's tails so that no region of p(z | x_o) goes unvisited. The
     * conditional mean is the completion with the least expected squared error under the model. p(x_o | z) is the
     * model's own likelihood of the known pixels ({@link VaeModel#reconstructionLogLikelihood(INDArray, INDArray,
     * INDArray, INDArray)}). {@code labels} for a conditional model, else null; {@code progress} (or null) hears each
     * sample's index.
     */
    public static INDArray conditionalMean(VaeModel model, INDArray x, int[] labels, INDArray known, INDArray fill,
            int samples, long seed, java.util.function.IntConsumer progress) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        INDArray k = known.castTo(x.dataType());
        INDArray missing = k.rsub(1.0);
        INDArray filled = x.mul(k).addi(missing.mulRowVector(fill.castTo(x.dataType())));
        io.github.vae4j.model.Posterior q = new LatentSpace(model).encode(filled, labels);
        INDArray y = model.conditional() ? model.oneHot(labels) : null;
        INDArray mu = q.mu().castTo(DataType.DOUBLE);
        INDArray logVar = q.logVar().castTo(DataType.DOUBLE);
        long n = x.size(0);
        long latent = mu.size(1);
        // running log-sum-exp per row: m the largest log w so far, total = Σ exp(log w − m), sum = Σ exp(log w − m) x_s
        INDArray m = Nd4j.valueArrayOf(new long[] {n, 1}, Double.NEGATIVE_INFINITY, DataType.DOUBLE);
        INDArray total = Nd4j.zeros(DataType.DOUBLE, n, 1);
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, x.shape());
        org.nd4j.linalg.api.rng.Random rng = io.github.vae4j.util.Seeds.generator(io.github.vae4j.util.Seeds.derive(
                seed, io.github.vae4j.util.Seeds.Stream.COMPLETION, 0));
        for (int s = 0; s < samples; s++) {
            INDArray eps = Nd4j.randn(Nd4j.createUninitialized(DataType.DOUBLE, n, latent), rng);
            INDArray fromPrior = Nd4j.rand(Nd4j.createUninitialized(DataType.DOUBLE, n, 1), rng).lt(0.5)
                    .castTo(DataType.DOUBLE);
            // z = ε from the prior, μ + σ ⊙ ε from q
            INDArray z = io.github.vae4j.nn.VariationalLayerImpl.reparameterize(mu, logVar, eps)
                    .muliColumnVector(fromPrior.rsub(1.0)).addi(eps.mulColumnVector(fromPrior));
            INDArray logQ = logNormal(z, mu, logVar);
            INDArray logP = logNormal(z, null, null);
            INDArray logR = logMeanExp(logQ, logP);
            INDArray logLik = model.reconstructionLogLikelihood(x, y, z.castTo(x.dataType()), k)
                    .castTo(DataType.DOUBLE).reshape(n, 1);
            INDArray logW = logLik.addi(logP).subi(logR);
            INDArray next = org.nd4j.linalg.ops.transforms.Transforms.max(m, logW, true);
            INDArray keep = org.nd4j.linalg.ops.transforms.Transforms.exp(m.sub(next));
            INDArray w = org.nd4j.linalg.ops.transforms.Transforms.exp(logW.sub(next));
            INDArray decoded = model.decode(z.castTo(x.dataType()), y).castTo(DataType.DOUBLE);
            sum.muliColumnVector(keep).addi(decoded.muliColumnVector(w));
            total.muli(keep).addi(w);
            m = next;
            if (progress != null) {
                progress.accept(s);
            }
        }
        INDArray mean = sum.diviColumnVector(total).castTo(x.dataType());
        return x.mul(k).addi(mean.muli(missing));
    }

    /** log N(z; μ, diag exp(logVar)) per row, [n, 1]; the standard normal when μ is null. */
    private static INDArray logNormal(INDArray z, INDArray mu, INDArray logVar) {
        INDArray d = mu == null ? z.dup() : z.sub(mu);
        INDArray quad = mu == null ? d.muli(d) : d.muli(d).divi(org.nd4j.linalg.ops.transforms.Transforms.exp(logVar));
        if (logVar != null) {
            quad.addi(logVar);
        }
        return quad.addi(io.github.vae4j.nn.VaeMath.LOG_2PI).sum(true, 1).muli(-0.5);
    }

    /** log(½ e^a + ½ e^b), element-wise, stable. */
    private static INDArray logMeanExp(INDArray a, INDArray b) {
        INDArray hi = org.nd4j.linalg.ops.transforms.Transforms.max(a, b, true);
        INDArray ea = org.nd4j.linalg.ops.transforms.Transforms.exp(a.sub(hi));
        INDArray eb = org.nd4j.linalg.ops.transforms.Transforms.exp(b.sub(hi));
        return org.nd4j.linalg.ops.transforms.Transforms.log(ea.addi(eb).muli(0.5)).addi(hi);
    }

    /** decode(μ(x̃)): one reconstruction pass over corrupted images. */
    public static INDArray denoise(VaeModel model, INDArray noisy, int[] labels) {
        INDArray y = model.conditional() ? model.oneHot(labels) : null;
        return model.decode(new LatentSpace(model).encode(noisy, labels).mu(), y).castTo(noisy.dataType());
    }

    /** x corrupted by {@code noise} at {@code level}, seeded. */
    public static INDArray corrupt(INDArray x, Noise noise, double level, long seed) {
        if (!(level >= 0) || (noise == Noise.SALT_AND_PEPPER && level > 1)) {
            throw new IllegalArgumentException("noise level must be >= 0 (and <= 1 for salt-and-pepper), got " + level);
        }
        double[][] v = x.castTo(DataType.DOUBLE).toDoubleMatrix();
        Random rng = new Random(seed);
        for (double[] row : v) {
            for (int p = 0; p < row.length; p++) {
                if (noise == Noise.SALT_AND_PEPPER) {
                    if (rng.nextDouble() < level) {
                        row[p] = rng.nextBoolean() ? 1 : 0;
                    }
                } else {
                    row[p] = Math.max(0, Math.min(1, row[p] + level * rng.nextGaussian()));
                }
            }
        }
        return Nd4j.createFromArray(v).castTo(x.dataType());
    }

    /** Mean squared error over the entries where {@code where} is 1 (all entries when null). */
    public static double meanSquaredError(INDArray result, INDArray truth, INDArray where) {
        INDArray d = result.castTo(DataType.DOUBLE).sub(truth.castTo(DataType.DOUBLE));
        d.muli(d);
        return average(d, where);
    }

    /** Mean Bernoulli log-likelihood of the truth under the result's pixel probabilities, over {@code where}. */
    public static double bernoulliLogLikelihood(INDArray result, INDArray truth, INDArray where) {
        double[] p = result.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] t = truth.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] ll = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double q = Math.max(1e-6, Math.min(1 - 1e-6, p[i]));
            ll[i] = t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
        }
        return average(Nd4j.createFromArray(ll).reshape(result.shape()), where);
    }

    private static double average(INDArray values, INDArray where) {
        if (where == null) {
            return values.meanNumber().doubleValue();
        }
        INDArray w = where.castTo(DataType.DOUBLE);
        double count = w.sumNumber().doubleValue();
        if (count == 0) {
            throw new IllegalArgumentException("no entries to average over");
        }
        return values.mul(w).sumNumber().doubleValue() / count;
    }
}
