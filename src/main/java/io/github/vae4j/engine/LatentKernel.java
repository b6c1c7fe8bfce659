package io.github.vae4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of {@link io.github.vae4j.nn.VariationalLayerImpl} for one minibatch shape, computed in double precision over
 * Java arrays. Heads are [rows, 2·latent] in 'f' order: the μ block (rows·latent values) then the raw log σ² block;
 * the kernel adds their bias and sums their gradient into the bias gradient, so the layer needs GEMMs only for the
 * products.
 *
 * <p>Forward, per element: log σ² = softClamp(raw) = raw + softplus(lo − raw) − softplus(raw − hi) (as
 * {@link io.github.vae4j.nn.VaeMath#softClamp}); σ = exp(½ log σ²); z = μ + σ ⊙ ε (or μ without ε); KL = ½ Σ (μ² + σ² − log σ² − 1).
 * Backward, with dz = ∂L/∂z: ∂L/∂μ = β μ + dz; ∂L/∂log σ² = ½ β (σ² − 1) + ½ dz ⊙ σ ⊙ ε; ∂L/∂raw = ∂L/∂log σ² ·
 * softClamp'(raw), with softClamp'(raw) = 1 − sigmoid(lo − raw) − sigmoid(raw − hi).
 *
 * <p>Free bits λ (Kingma et al. 2016): the KL of dimension j summed over the minibatch counts as max(rows·λ, KL_j);
 * a dimension below its floor takes no β terms in backward.
 */
public final class LatentKernel {

    private final int rows;
    private final int latent;
    /** μ then raw log σ² of the latest forward pass. */
    private final double[] heads;
    private final double[] eps;
    private final double[] z;
    private final double[] variance;
    /** σ ⊙ ε, zero when the forward pass did not sample. */
    private final double[] sigmaEps;
    private final double[] clampSlope;
    private final double[] dz;
    private final double[] grad;
    private final double[] bias;
    /** Per latent dimension: whether its KL is above the free-bits floor (gets the β terms in backward). */
    private final boolean[] active;

    public LatentKernel(int rows, int latent) {
        this.rows = rows;
        this.latent = latent;
        int m = rows * latent;
        heads = new double[2 * m];
        eps = new double[m];
        z = new double[m];
        variance = new double[m];
        sigmaEps = new double[m];
        clampSlope = new double[m];
        dz = new double[m];
        grad = new double[2 * m];
        bias = new double[2 * latent];
        active = new boolean[latent];
    }

    public int rows() {
        return rows;
    }

    public int latent() {
        return latent;
    }

    /**
     * Adds the bias [b_μ | b_σ] to the heads' product h·W, computes z (with ε, or z = μ when {@code epsIn} is null)
     * into {@code zOut} and keeps what backprop needs.
     *
     * @param freeBits λ, nats per dimension per example below which a dimension's KL counts as λ (0 = off)
     * @return the KL summed over the minibatch, in nats, with each dimension counted as at least rows·λ
     */
    public double forward(INDArray product, INDArray biasIn, INDArray epsIn, INDArray zOut, double lo, double hi,
            double freeBits) {
        HostBuffers.read(product, heads);
        HostBuffers.read(biasIn, bias);
        for (int j = 0; j < 2 * latent; j++) {
            double b = bias[j];
            for (int i = j * rows; i < (j + 1) * rows; i++) {
                heads[i] += b;
            }
        }
        boolean sampled = epsIn != null;
        if (sampled) {
            HostBuffers.read(epsIn, eps);
        }
        int m = rows * latent;
        double kl = 0;
        for (int j = 0; j < latent; j++) {
            double klDim = 0;
            for (int i = j * rows; i < (j + 1) * rows; i++) {
                double mu = heads[i];
                double raw = heads[m + i];
                double below = lo - raw;
                double above = raw - hi;
                double eBelow = Math.exp(-Math.abs(below));
                double eAbove = Math.exp(-Math.abs(above));
                double logVar = raw + softplus(below, eBelow) - softplus(above, eAbove);
                clampSlope[i] = 1 - sigmoid(below, eBelow) - sigmoid(above, eAbove);
                double sigma = Math.exp(0.5 * logVar);
                double var = sigma * sigma;
                variance[i] = var;
                klDim += mu * mu + var - logVar - 1;
                double se = sampled ? sigma * eps[i] : 0;
                sigmaEps[i] = se;
                z[i] = mu + se;
            }
            double floor = rows * freeBits;
            active[j] = 0.5 * klDim >= floor;
            kl += Math.max(0.5 * klDim, floor);
        }
        HostBuffers.write(z, zOut);
        return kl;
    }

    /**
     * Writes ∂L/∂[μ | raw log σ²] into {@code dHeads} from ∂L/∂z, for the loss + β·KL (the KL of the dimensions
     * above the free-bits floor of the latest forward pass), and its sum over the minibatch (the bias gradient) into
     * {@code biasGrad}.
     */
    public void backward(INDArray dzIn, double beta, INDArray dHeads, INDArray biasGrad) {
        HostBuffers.read(dzIn, dz);
        int m = rows * latent;
        for (int j = 0; j < latent; j++) {
            double b = active[j] ? beta : 0;
            for (int i = j * rows; i < (j + 1) * rows; i++) {
                double d = dz[i];
                grad[i] = b * heads[i] + d;
                double dLogVar = 0.5 * b * (variance[i] - 1) + 0.5 * d * sigmaEps[i];
                grad[m + i] = dLogVar * clampSlope[i];
            }
        }
        HostBuffers.write(grad, dHeads);
        writeBiasGradient(grad, rows, bias, biasGrad);
    }

    /**
     * The bias gradient: the column sums of the heads' gradient ({@code grad}, [rows, columns] in 'f' order) into
     * {@code sums}, written to {@code biasGrad}.
     */
    static void writeBiasGradient(double[] grad, int rows, double[] sums, INDArray biasGrad) {
        for (int j = 0; j < sums.length; j++) {
            double sum = 0;
            for (int i = j * rows; i < (j + 1) * rows; i++) {
                sum += grad[i];
            }
            sums[j] = sum;
        }
        HostBuffers.write(sums, biasGrad);
    }

    /** softplus(x) = max(x, 0) + log(1 + e^{−|x|}), given e = e^{−|x|}. */
    static double softplus(double x, double e) {
        return Math.max(x, 0) + Math.log1p(e);
    }

    /** The logistic sigmoid of x, given e = e^{−|x|}. */
    static double sigmoid(double x, double e) {
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}
