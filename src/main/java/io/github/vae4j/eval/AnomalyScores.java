package io.github.vae4j.eval;

import io.github.vae4j.model.LatentVariableModel;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.nn.VaeMath;
import io.github.vae4j.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Per-example anomaly scores of a VAE, higher = more anomalous, in nats unless noted:
 * <ul>
 *   <li>{@code neg_elbo}: −ELBO(x), the reconstruction term over {@link #ELBO_DRAWS} z draws, the KL closed form;</li>
 *   <li>{@code neg_log_px}: −log p(x), importance-sampled with k samples (Burda et al. 2016);</li>
 *   <li>{@code recon_prob}: the reconstruction probability of An &amp; Cho (2015, "Variational Autoencoder based
 *       Anomaly Detection using Reconstruction Probability"), −log (1/L) Σ_l p(x|z_l) over the same draws z_l ~ q(z|x)
 *       as the ELBO's, so it is never above {@code neg_elbo} (Jensen);</li>
 *   <li>{@code complexity_corrected}: Serrà et al. (2020, "Input Complexity and Out-of-distribution Detection with
 *       Likelihood-based Generative Models"), S(x) = −log₂ p(x) − L(x) in bits, with L(x) the length in bits of x as a
 *       lossless PNG of 8-bit pixels: a likelihood corrected for how simple the input is, so that a simple image of an
 *       unseen class does not look normal merely for being simple. For square images in [0, 1] only (else NaN).</li>
 *   <li>{@code latent_knn}: how far the posterior mean μ(x) lies from the data the model was trained on, the mean
 *       squared Euclidean distance to its {@link #NEIGHBOURS} nearest neighbours among the posterior means of the
 *       reference (training) rows: a nearest-neighbour estimate of low aggregate-posterior density, which does not
 *       reward an image for being simple the way a likelihood does (a held-out 1 is encoded far from the other
 *       digits even though its likelihood is high). NaN for every row when no reference is given.</li>
 *   <li>{@code latent_cosine_knn}: the same with the cosine distance 1 − cos(μ(x), μ_j): only the direction of μ
 *       counts, not its length (measured best of the scores on the leave-one-digit-out benchmark,
 *       docs/benchmarks.md).</li>
 * </ul>
 */
public final class AnomalyScores {

    /** The scores, in the column order of {@link #values()}. */
    public static final List<String> NAMES = List.of("neg_elbo", "neg_log_px", "recon_prob", "complexity_corrected",
            "latent_knn", "latent_cosine_knn");
    /** Neighbours of {@code latent_knn}. */
    public static final int NEIGHBOURS = 5;
    /** Query rows per block of the distance computation (a block holds rows × reference rows doubles). */
    private static final int DISTANCE_BLOCK = 128;
    /** z draws per example of the ELBO and of the reconstruction probability. */
    public static final int ELBO_DRAWS = 10;
    private static final int BATCH = 1000;

    private final double[][] values;

    private AnomalyScores(double[][] values) {
        this.values = values;
    }

    /**
     * Each score for every row of x ([n, inputSize], the rows the model takes: [x | y] for a conditional model's
     * {@code joint()} view), with k importance samples; {@code images} are the images themselves ([n, side²], for the
     * complexity term), x again for an unconditional model; {@code reference} the normal rows {@code latent_knn}
     * measures against, in the same form as x (the training split), or null (then {@code latent_knn} is NaN).
     */
    public static AnomalyScores compute(LatentVariableModel model, INDArray x, INDArray images, INDArray reference,
            int k, long seed) {
        int n = Math.toIntExact(x.size(0));
        if (images.size(0) != n) {
            throw new IllegalArgumentException(images.size(0) + " images for " + n + " rows");
        }
        Posterior q = model.encodeInBatches(x);
        double[][] mu = q.mu().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] referenceMu = reference == null ? null
                : model.encodeInBatches(reference).mu().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] knn = reference == null ? null : nearestNeighbourDistances(mu, referenceMu, NEIGHBOURS, false);
        double[] cosineKnn = reference == null ? null : nearestNeighbourDistances(mu, referenceMu, NEIGHBOURS, true);
        // the seed as `evaluate` passes it (ImportanceSampling derives its streams itself), so both report the same
        // log p(x) for the same --seed
        double[] logPx = ImportanceSampling.logLikelihood(model, x, q, k, seed);
        double[] kl = VaeMath.klDivergencePerExample(q.mu(), q.logVar()).castTo(DataType.DOUBLE).toDoubleVector();
        double[][] v = new double[NAMES.size()][n];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            INDArray xb = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            Posterior qb = new Posterior(q.mu().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()),
                    q.logVar().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
            // log p(x|z_l) for the same L draws z_l ~ q(z|x): their mean is the ELBO's reconstruction term, their
            // log-mean-exp the reconstruction probability
            INDArray[] drawn = io.github.vae4j.model.Elbo.reconstructionDraws(model, xb, qb, ELBO_DRAWS,
                    Seeds.derive(seed, Seeds.Stream.ELBO, from));
            double[][] ll = new double[ELBO_DRAWS][];
            for (int l = 0; l < ELBO_DRAWS; l++) {
                ll[l] = drawn[l].castTo(DataType.DOUBLE).toDoubleVector();
            }
            double[] draws = new double[ELBO_DRAWS];
            for (int i = 0; i < to - from; i++) {
                double mean = 0;
                for (int l = 0; l < ELBO_DRAWS; l++) {
                    draws[l] = ll[l][i];
                    mean += ll[l][i] / ELBO_DRAWS;
                }
                v[0][from + i] = -mean + kl[from + i];
                v[1][from + i] = -logPx[from + i];
                v[2][from + i] = -(VaeMath.logSumExp(draws) - Math.log(ELBO_DRAWS));
                v[3][from + i] = -logPx[from + i] / Math.log(2) - pngBits(images.getRow(from + i, true));
                v[4][from + i] = knn == null ? Double.NaN : knn[from + i];
                v[5][from + i] = cosineKnn == null ? Double.NaN : cosineKnn[from + i];
            }
        }
        return new AnomalyScores(v);
    }

    /** [score][example]. */
    public double[][] values() {
        return values;
    }

    /** The score named {@code name} for every example. */
    public double[] score(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no score '" + name + "'; scores are " + NAMES);
        }
        return values[i];
    }

    /**
     * Writes {@code index,label,<score>...} per example (label empty without labels); the file appears whole or not
     * at all.
     */
    public void writeCsv(java.nio.file.Path file, int[] labels) throws IOException {
        int n = values[0].length;
        StringBuilder csv = new StringBuilder("index,label");
        for (String name : NAMES) {
            csv.append(',').append(name);
        }
        csv.append('\n');
        for (int i = 0; i < n; i++) {
            csv.append(i).append(',').append(labels == null ? "" : String.valueOf(labels[i]));
            for (double[] score : values) {
                csv.append(',').append(String.format(java.util.Locale.ROOT, "%.6f", score[i]));
            }
            csv.append('\n');
        }
        io.github.vae4j.util.AtomicFiles.writeString(file, csv);
    }

    /**
     * For each query row, the mean distance to its {@code k} nearest reference rows (the query rows themselves are not
     * searched unless they are among the reference rows): the squared Euclidean distance ‖q − r‖², or with
     * {@code cosine} 1 − q·r / (‖q‖ ‖r‖) (a zero row has distance 1 to every row).
     */
    public static double[] nearestNeighbourDistances(double[][] queries, double[][] reference, int k, boolean cosine) {
        if (k < 1 || k > reference.length) {
            throw new IllegalArgumentException("need 1 <= k <= " + reference.length + " reference rows, got k = " + k);
        }
        INDArray r = Nd4j.createFromArray(reference);
        INDArray rNorms = r.mul(r).sum(1);
        if (cosine) {
            r.diviColumnVector(unitScale(rNorms));
        }
        double[] result = new double[queries.length];
        for (int from = 0; from < queries.length; from += DISTANCE_BLOCK) {
            int to = Math.min(queries.length, from + DISTANCE_BLOCK);
            INDArray q = Nd4j.createFromArray(java.util.Arrays.copyOfRange(queries, from, to));
            INDArray qNorms = q.mul(q).sum(1);
            INDArray d = cosine
                    ? q.diviColumnVector(unitScale(qNorms)).mmul(r.transpose()).rsubi(1.0)
                    // ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r, all reference rows at once
                    : q.mmul(r.transpose()).muli(-2).addiRowVector(rNorms).addiColumnVector(qNorms);
            double[][] rows = d.toDoubleMatrix();
            for (int i = 0; i < rows.length; i++) {
                result[from + i] = meanOfSmallest(rows[i], k);
            }
        }
        return result;
    }

    /** ‖v‖ from ‖v‖², with 1 for a zero row so that it stays zero. */
    private static INDArray unitScale(INDArray squaredNorms) {
        INDArray norms = org.nd4j.linalg.ops.transforms.Transforms.sqrt(squaredNorms, true);
        return norms.addi(norms.eq(0).castTo(norms.dataType()));
    }

    /** The mean of the k smallest values, each clamped at 0 (rounding can leave a squared distance just below). */
    private static double meanOfSmallest(double[] v, int k) {
        double[] smallest = new double[k];
        java.util.Arrays.fill(smallest, Double.POSITIVE_INFINITY);
        for (double d : v) {
            if (d < smallest[k - 1]) {
                int j = k - 1;
                while (j > 0 && smallest[j - 1] > d) {
                    smallest[j] = smallest[j - 1];
                    j--;
                }
                smallest[j] = d;
            }
        }
        double sum = 0;
        for (double d : smallest) {
            sum += Math.max(0, d);
        }
        return sum / k;
    }

    /** Bits of the lossless PNG of one square image with values in [0, 1] (8-bit grey), or NaN if not square. */
    static double pngBits(INDArray row) {
        double[] px = row.castTo(DataType.DOUBLE).toDoubleVector();
        int side = (int) Math.round(Math.sqrt(px.length));
        if (side * side != px.length) {
            return Double.NaN;
        }
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        var raster = img.getRaster();
        for (int p = 0; p < px.length; p++) {
            raster.setSample(p % side, p / side, 0, (int) Math.round(255 * Math.max(0, Math.min(1, px[p]))));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 8.0 * out.size();
    }
}
