package io.github.vae4j.eval;

import io.github.vae4j.model.Posterior;
import io.github.vae4j.nn.VaeMath;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Posterior-collapse diagnostics (Burda et al. 2016): a latent dimension j is active when the variance over the data
 * of its posterior mean, Cov_x(E_q[z_j]), exceeds 0.01; the mean KL per dimension shows which dimensions carry
 * information (a collapsed dimension has KL ≈ 0).
 */
public final class Diagnostics {

    /** Activity threshold on Cov_x(E_q[z_j]). */
    public static final double ACTIVE_THRESHOLD = 0.01;

    private Diagnostics() {
    }

    /** Cov_x(μ_j) for each latent dimension j (population variance over the rows of q.mu()). */
    public static double[] latentVariance(Posterior q) {
        return q.mu().castTo(DataType.DOUBLE).var(false, 0).toDoubleVector();
    }

    /** Number of entries of {@code variance} above {@link #ACTIVE_THRESHOLD}. */
    public static int activeUnits(double[] variance) {
        int n = 0;
        for (double v : variance) {
            if (v > ACTIVE_THRESHOLD) {
                n++;
            }
        }
        return n;
    }

    /** Mean over the rows of ½(μ² + σ² − log σ² − 1) for each latent dimension. */
    public static double[] klPerDimension(Posterior q) {
        return VaeMath.klDivergencePerDimension(q.mu(), q.logVar()).castTo(DataType.DOUBLE).mean(0).toDoubleVector();
    }
}
