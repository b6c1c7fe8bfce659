package io.github.vae4j.config;

/**
 * What training minimizes, per example, in nats: −E_q[log p(x|z)] + w(epoch) · KL(q(z|x) ‖ N(0, I)), the negative
 * ELBO for w = 1 (Kingma &amp; Welling 2014). The KL weight w is β (Higgins et al. 2017, β-VAE), reached by a linear
 * warm-up over {@code klWarmupEpochs} epochs (Bowman et al. 2016), a guard against posterior collapse.
 *
 * <p>The variational layer stores this record's values and reads the weight for the network's own epoch counter:
 * the objective is the one owner of the KL weight. Evaluation always reports the ELBO (w = 1).
 *
 * @param beta           KL weight β after the warm-up (default 1 = the ELBO); finite, ≥ 0
 * @param klWarmupEpochs epochs over which w ramps linearly from β/(N+1) up to β (default 0 = none); ≥ 0
 */
public record Objective(double beta, int klWarmupEpochs) {

    public Objective {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
        if (klWarmupEpochs < 0) {
            throw new IllegalArgumentException("klWarmupEpochs must be >= 0, got " + klWarmupEpochs);
        }
    }

    /** The plain ELBO: β = 1, no warm-up. */
    public static Objective elbo() {
        return new Objective(1.0, 0);
    }

    /** KL weight w for a 0-based epoch: β·(epoch + 1)/(N + 1) during the warm-up of N epochs, then β. */
    public double klWeight(int epoch) {
        if (klWarmupEpochs == 0 || epoch >= klWarmupEpochs) {
            return beta;
        }
        return beta * (epoch + 1) / (klWarmupEpochs + 1.0);
    }
}
