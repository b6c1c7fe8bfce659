package io.github.vae4j.latent;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The principal directions of a set of points (principal component analysis): the eigenvectors of their covariance
 * matrix with the largest eigenvalues, the variances along them, and the points' mean.
 *
 * @param mean       the mean point, [d]
 * @param directions unit directions, largest variance first, [k][d]
 * @param variances  the (population) variance along each direction, [k]
 */
public record PrincipalAxes(double[] mean, double[][] directions, double[] variances) {

    /** The top {@code k} principal axes of the rows of {@code points} ([n][d], n ≥ 2). */
    public static PrincipalAxes of(double[][] points, int k) {
        int n = points.length;
        if (n < 2) {
            throw new IllegalArgumentException("principal axes need at least 2 points, got " + n);
        }
        int d = points[0].length;
        if (k < 1 || k > d) {
            throw new IllegalArgumentException("k must be in [1, " + d + "], got " + k);
        }
        double[] mean = new double[d];
        for (double[] p : points) {
            for (int j = 0; j < d; j++) {
                mean[j] += p[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] p : points) {
            for (int a = 0; a < d; a++) {
                double da = p[a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov[a][b] += da * (p[b] - mean[b]) / n;
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[d];
        for (int j = 0; j < d; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -values[j]));
        double[][] directions = new double[k][];
        double[] variances = new double[k];
        for (int i = 0; i < k; i++) {
            directions[i] = eig.getEigenvector(order[i]).toArray();
            variances[i] = Math.max(0, values[order[i]]);
        }
        return new PrincipalAxes(mean, directions, variances);
    }

    /** The coordinates of each point along the axes, [n][k], relative to the mean. */
    public double[][] project(double[][] points) {
        double[][] out = new double[points.length][directions.length];
        for (int i = 0; i < points.length; i++) {
            for (int k = 0; k < directions.length; k++) {
                double s = 0;
                for (int j = 0; j < mean.length; j++) {
                    s += (points[i][j] - mean[j]) * directions[k][j];
                }
                out[i][k] = s;
            }
        }
        return out;
    }
}
