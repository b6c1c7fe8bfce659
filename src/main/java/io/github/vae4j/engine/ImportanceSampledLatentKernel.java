package io.github.vae4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of {@link io.github.vae4j.nn.VariationalLayerImpl}'s training pass for the IWAE objective
 * (Burda et al. 2016) with k samples per example, for one minibatch shape, in double precision over Java arrays.
 * Heads are [rows, 2·latent] in 'f' order (μ, then raw log σ², as in {@link LatentKernel}); ε and z are
 * [k·rows, latent] in 'f' order, row s·rows + i holding sample s of example i.
 *
 * <p>Forward: log σ² = softClamp(raw); z_s = μ + σ ⊙ ε_s; the log-ratio per row
 * r_s = log p(z_s) − log q(z_s|x) = Σ_j (−½ z_sj² + ½ ε_sj² + ½ log σ_j²) (the log 2π terms cancel).
 * Backward, given ∂L/∂z_s from the decoder (already weighted by w̃_s, the normalized importance weight) and w̃:
 * with L = −log (1/k) Σ_s exp(log p(x|z_s) + r_s), ∂L/∂r_s = −w̃_s, so the total gradient at z_s is
 * g_s = ∂L/∂z_s + w̃_s z_s; then ∂L/∂μ = Σ_s g_s and ∂L/∂log σ² = Σ_s g_s ⊙ ½ σ ⊙ ε_s − ½ Σ_s w̃_s, times the
 * clamp's slope for ∂L/∂raw.
 */
public final class ImportanceSampledLatentKernel {

    private final int rows;
    private final int latent;
    private final int samples;
    private final double[] heads;
    private final double[] sigma;
    private final double[] clampSlope;
    private final double[] eps;
    private final double[] z;
    private final double[] dz;
    private final double[] grad;
    private final double[] bias;

    public ImportanceSampledLatentKernel(int rows, int latent, int samples) {
        this.rows = rows;
        this.latent = latent;
        this.samples = samples;
        int m = rows * latent;
        heads = new double[2 * m];
        sigma = new double[m];
        clampSlope = new double[m];
        eps = new double[samples * m];
        z = new double[samples * m];
        dz = new double[samples * m];
        grad = new double[2 * m];
        bias = new double[2 * latent];
    }

    public int rows() {
        return rows;
    }

    public int latent() {
        return latent;
    }

    public int samples() {
        return samples;
    }

    /**
     * Adds the bias to the heads' product h·W, writes the k samples z into {@code zOut} and returns r = log p(z) −
     * log q(z|x) per row of z.
     */
    public double[] forward(INDArray product, INDArray biasIn, INDArray epsIn, INDArray zOut, double lo, double hi) {
        HostBuffers.read(product, heads);
        HostBuffers.read(biasIn, bias);
        HostBuffers.read(epsIn, eps);
        int m = rows * latent;
        int sampleRows = samples * rows;
        double[] logRatio = new double[sampleRows];
        for (int j = 0; j < latent; j++) {
            double bMu = bias[j];
            double bVar = bias[latent + j];
            for (int i = 0; i < rows; i++) {
                int h = j * rows + i;
                double mu = heads[h] += bMu;
                double raw = heads[m + h] += bVar;
                double below = lo - raw;
                double above = raw - hi;
                double eBelow = Math.exp(-Math.abs(below));
                double eAbove = Math.exp(-Math.abs(above));
                double logVar = raw + LatentKernel.softplus(below, eBelow) - LatentKernel.softplus(above, eAbove);
                clampSlope[h] = 1 - LatentKernel.sigmoid(below, eBelow) - LatentKernel.sigmoid(above, eAbove);
                double sd = Math.exp(0.5 * logVar);
                sigma[h] = sd;
                for (int s = 0; s < samples; s++) {
                    int row = s * rows + i;
                    int e = j * sampleRows + row;
                    double zs = mu + sd * eps[e];
                    z[e] = zs;
                    logRatio[row] += 0.5 * (eps[e] * eps[e] - zs * zs + logVar);
                }
            }
        }
        HostBuffers.write(z, zOut);
        return logRatio;
    }

    /**
     * Writes ∂L/∂[μ | raw log σ²] into {@code dHeads} and its sum over the minibatch into {@code biasGrad}, from
     * ∂L/∂z of the k·rows samples and their normalized importance weights.
     */
    public void backward(INDArray dzIn, double[] weights, INDArray dHeads, INDArray biasGrad) {
        HostBuffers.read(dzIn, dz);
        int m = rows * latent;
        int sampleRows = samples * rows;
        double[] weightSum = new double[rows];
        for (int row = 0; row < sampleRows; row++) {
            weightSum[row % rows] += weights[row];
        }
        for (int j = 0; j < latent; j++) {
            for (int i = 0; i < rows; i++) {
                int h = j * rows + i;
                double dMu = 0;
                double dLogVar = 0;
                for (int s = 0; s < samples; s++) {
                    int row = s * rows + i;
                    int e = j * sampleRows + row;
                    double g = dz[e] + weights[row] * z[e];
                    dMu += g;
                    dLogVar += g * 0.5 * sigma[h] * eps[e];
                }
                grad[h] = dMu;
                grad[m + h] = (dLogVar - 0.5 * weightSum[i]) * clampSlope[h];
            }
        }
        HostBuffers.write(grad, dHeads);
        LatentKernel.writeBiasGradient(grad, rows, bias, biasGrad);
    }
}
