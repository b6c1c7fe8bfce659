package io.github.vae4j.latent;

import io.github.vae4j.eval.Diagnostics;
import io.github.vae4j.model.Posterior;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.util.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Walks in a model's latent space: the posterior means μ(x) of data as codes, paths between two codes, sweeps of one
 * dimension, and the codes of a whole data set as a table. For a conditional model every example comes with its class
 * label: encoding uses it, and decoding a path moves the one-hot label linearly from one end's class to the other's.
 */
public final class LatentSpace {

    /** How a path between two codes runs. */
    public enum PathKind {
        /** z_t = (1 − t)·z_a + t·z_b. */
        LINEAR,
        /**
         * Spherical interpolation (Shoemake 1985; White 2016, "Sampling Generative Networks"): along the great circle,
         * z_t = sin((1 − t)Ω)/sin Ω · z_a + sin(tΩ)/sin Ω · z_b with cos Ω = z_a·z_b / (‖z_a‖‖z_b‖); keeps the
         * codes at the norms the Gaussian prior puts its mass at, where the linear path passes near the origin.
         */
        SLERP
    }

    /**
     * A traversal: one row of {@code steps} decodings per latent dimension, the dimensions sorted by their KL.
     *
     * @param images     [dimensions · steps, inputSize], row r holds dimension {@code order[r]}
     * @param order      the latent dimensions in row order (largest mean KL first)
     * @param kl         mean KL(q(z_j|x) ‖ N(0, 1)) of each dimension (indexed by dimension), over the reference data
     * @param active     whether each dimension is active (Cov_x(μ_j) &gt; {@link Diagnostics#ACTIVE_THRESHOLD})
     * @param values     the values z_j takes along each row
     */
    public record Traversal(INDArray images, int[] order, double[] kl, boolean[] active, double[] values) {
    }

    private final VaeModel model;

    public LatentSpace(VaeModel model) {
        this.model = model;
    }

    /**
     * q(z|x) of rows x (in batches of 1,000); {@code labels} are their classes for a conditional model (ignored, may
     * be null, otherwise).
     */
    public Posterior encode(INDArray x, int[] labels) {
        return model.joint().encodeInBatches(model.jointInput(x, labels));
    }

    /**
     * {@code steps} codes from z_a to z_b (rows [1, d] each) along the path, t = 0, 1/(steps − 1), …, 1; the first
     * row is z_a and the last z_b.
     */
    public static INDArray path(INDArray za, INDArray zb, int steps, PathKind kind) {
        if (steps < 2) {
            throw new IllegalArgumentException("a path needs steps >= 2, got " + steps);
        }
        double[] a = za.castTo(DataType.DOUBLE).toDoubleVector();
        double[] b = zb.castTo(DataType.DOUBLE).toDoubleVector();
        if (a.length != b.length) {
            throw new IllegalArgumentException("path ends of different sizes: " + a.length + " and " + b.length);
        }
        double[][] rows = new double[steps][];
        for (int s = 0; s < steps; s++) {
            double t = (double) s / (steps - 1);
            rows[s] = kind == PathKind.SLERP ? slerp(a, b, t) : lerp(a, b, t);
        }
        return Nd4j.createFromArray(rows).castTo(za.dataType());
    }

    /** (1 − t)·a + t·b. */
    static double[] lerp(double[] a, double[] b, double t) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (1 - t) * a[i] + t * b[i];
        }
        return out;
    }

    /** sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; the linear path when a and b are (anti)parallel or zero. */
    static double[] slerp(double[] a, double[] b, double t) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double cos = na == 0 || nb == 0 ? 1 : Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
        double omega = Math.acos(cos);
        double sin = Math.sin(omega);
        if (sin < 1e-6) {
            return lerp(a, b, t);
        }
        double wa = Math.sin((1 - t) * omega) / sin;
        double wb = Math.sin(t * omega) / sin;
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = wa * a[i] + wb * b[i];
        }
        return out;
    }

    /**
     * The decodings of {@code steps} codes on the path from μ(x_a) to μ(x_b), [steps, inputSize]: the first is x_a's
     * reconstruction, the last x_b's.
     *
     * @param xa     [1, inputSize]
     * @param labelA x_a's class (used by a conditional model)
     */
    public INDArray interpolate(INDArray xa, int labelA, INDArray xb, int labelB, int steps, PathKind kind) {
        INDArray za = encode(xa, new int[] {labelA}).mu();
        INDArray zb = encode(xb, new int[] {labelB}).mu();
        INDArray z = path(za, zb, steps, kind);
        if (!model.conditional()) {
            return model.decode(z);
        }
        INDArray ya = model.oneHot(new int[] {labelA});
        INDArray yb = model.oneHot(new int[] {labelB});
        INDArray y = path(ya, yb, steps, PathKind.LINEAR);
        return model.decode(z, y);
    }

    /**
     * Sweeps every latent dimension j over {@code steps} values from −range to +range, the other dimensions at
     * μ(base); the dimensions are ordered by their mean KL over {@code reference} (largest first) and marked active or
     * not by the variance of μ_j over it.
     */
    public Traversal traverse(INDArray base, int baseLabel, INDArray reference, int[] referenceLabels, int steps,
            double range) {
        if (steps < 2 || !(range > 0)) {
            throw new IllegalArgumentException("a traversal needs steps >= 2 and range > 0, got steps=" + steps
                    + " range=" + range);
        }
        Posterior q = encode(reference, referenceLabels);
        double[] kl = Diagnostics.klPerDimension(q);
        double[] variance = Diagnostics.latentVariance(q);
        int d = kl.length;
        boolean[] active = new boolean[d];
        for (int j = 0; j < d; j++) {
            active[j] = variance[j] > Diagnostics.ACTIVE_THRESHOLD;
        }
        int[] order = IntStream.range(0, d).boxed().sorted(Comparator.comparingDouble((Integer j) -> -kl[j]))
                .mapToInt(Integer::intValue).toArray();
        double[] values = new double[steps];
        for (int s = 0; s < steps; s++) {
            values[s] = -range + 2 * range * s / (steps - 1);
        }
        double[] mu = encode(base, new int[] {baseLabel}).mu().castTo(DataType.DOUBLE).toDoubleVector();
        double[][] rows = new double[d * steps][];
        for (int r = 0; r < d; r++) {
            for (int s = 0; s < steps; s++) {
                double[] z = mu.clone();
                z[order[r]] = values[s];
                rows[r * steps + s] = z;
            }
        }
        INDArray z = Nd4j.createFromArray(rows).castTo(base.dataType());
        int[] labels = new int[d * steps];
        Arrays.fill(labels, baseLabel);
        INDArray images = model.conditional() ? model.decode(z, model.oneHot(labels)) : model.decode(z);
        return new Traversal(images, order, kl, active, values);
    }

    /**
     * The learned manifold (Kingma &amp; Welling 2014, Fig. 4): codes on a side×side grid through the Gaussian inverse
     * CDF, z = Φ⁻¹(u) for u evenly spaced in (0, 1) (from 0.5/side to 1 − 0.5/side), decoded. For a 2-dimensional
     * latent the grid is z itself (rows vary z_2 from high to low, columns z_1 from low to high); for more dimensions
     * it runs along the two principal directions of the posterior means of {@code reference}, scaled by their standard
     * deviations, around the means' average. A conditional model decodes every code with {@code label}.
     *
     * @return [side², inputSize], row-major over the grid
     */
    public INDArray manifold(int side, INDArray reference, int[] referenceLabels, int label) {
        if (side < 2) {
            throw new IllegalArgumentException("a manifold grid needs side >= 2, got " + side);
        }
        int d = model.latentSize();
        double[] origin = new double[d];
        double[][] axes = new double[2][d];
        if (d == 1) {
            throw new IllegalArgumentException("the manifold needs a latent of at least 2 dimensions, got 1");
        } else if (d == 2) {
            axes[0][0] = 1;
            axes[1][1] = 1;
        } else {
            double[][] mu = encode(reference, referenceLabels).mu().castTo(DataType.DOUBLE).toDoubleMatrix();
            PrincipalAxes pa = PrincipalAxes.of(mu, 2);
            origin = pa.mean();
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < d; j++) {
                    axes[k][j] = pa.directions()[k][j] * Math.sqrt(pa.variances()[k]);
                }
            }
        }
        org.apache.commons.math3.distribution.NormalDistribution normal =
                new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
        double[][] rows = new double[side * side][];
        for (int r = 0; r < side; r++) {
            double b = normal.inverseCumulativeProbability(1 - (r + 0.5) / side);
            for (int c = 0; c < side; c++) {
                double a = normal.inverseCumulativeProbability((c + 0.5) / side);
                double[] z = origin.clone();
                for (int j = 0; j < d; j++) {
                    z[j] += a * axes[0][j] + b * axes[1][j];
                }
                rows[r * side + c] = z;
            }
        }
        INDArray z = Nd4j.createFromArray(rows).castTo(model.network().params().dataType());
        if (!model.conditional()) {
            return model.decode(z);
        }
        int[] labels = new int[side * side];
        Arrays.fill(labels, label);
        return model.decode(z, model.oneHot(labels));
    }

    /**
     * Writes the codes of every row of x as CSV: {@code index,label,mu_1,…,mu_d,logvar_1,…,logvar_d} (label empty
     * when there are no labels). The file appears whole or not at all.
     */
    public void writeEmbeddings(INDArray x, int[] labels, Path csv) throws IOException {
        if (labels != null && labels.length != x.size(0)) {
            throw new IllegalArgumentException(labels.length + " labels for " + x.size(0) + " examples");
        }
        Posterior q = encode(x, labels);
        int d = model.latentSize();
        AtomicFiles.write(csv, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
                StringBuilder header = new StringBuilder("index,label");
                for (int j = 1; j <= d; j++) {
                    header.append(",mu_").append(j);
                }
                for (int j = 1; j <= d; j++) {
                    header.append(",logvar_").append(j);
                }
                w.write(header.append('\n').toString());
                double[][] mu = q.mu().castTo(DataType.DOUBLE).toDoubleMatrix();
                double[][] lv = q.logVar().castTo(DataType.DOUBLE).toDoubleMatrix();
                for (int i = 0; i < mu.length; i++) {
                    StringBuilder line = new StringBuilder().append(i).append(',')
                            .append(labels == null ? "" : String.valueOf(labels[i]));
                    for (double v : mu[i]) {
                        line.append(',').append(String.format(Locale.ROOT, "%.6g", v));
                    }
                    for (double v : lv[i]) {
                        line.append(',').append(String.format(Locale.ROOT, "%.6g", v));
                    }
                    w.write(line.append('\n').toString());
                }
            }
        });
    }
}
