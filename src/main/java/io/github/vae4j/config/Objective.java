package io.github.vae4j.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/**
 * What training minimizes, per example, in nats. Two bounds on log p(x):
 * <ul>
 *   <li><b>ELBO</b> (Kingma &amp; Welling 2014): −E_q[log p(x|z)] + w · KL(q(z|x) ‖ N(0, I)), one z per example and
 *       the KL in closed form. The KL weight w is β (Higgins et al. 2017, β-VAE) times the {@link KlSchedule}'s
 *       fraction for the epoch (a linear warm-up, Bowman et al. 2016, or cycles, Fu et al. 2019). With
 *       <b>free bits</b> λ (Kingma et al. 2016, "Improved Variational Inference with Inverse Autoregressive Flow",
 *       eq. 15) the KL of each latent dimension j, averaged over the minibatch, counts as max(λ, KL_j): a dimension
 *       below λ nats gets no KL gradient, a guard against posterior collapse.</li>
 *   <li><b>IWAE-k</b> (Burda, Grosse &amp; Salakhutdinov 2016): −log (1/k) Σ_s p(x|z_s) p(z_s) / q(z_s|x) with k
 *       draws z_s ~ q(z|x) per example, a bound that tightens with k; k = 1 trains the ELBO itself (closed-form KL).</li>
 * </ul>
 * The variational layer stores these values and the loss of the output layer computes the bound; evaluation always
 * reports the plain ELBO (w = 1) beside the model's own objective.
 *
 * @param kind       the bound: {@code elbo} (default) or {@code iwae}
 * @param beta       KL weight β of the ELBO after any schedule (default 1); finite, ≥ 0; 1 for IWAE
 * @param samples    k, draws of z per example: 1 for the ELBO, ≥ 1 for IWAE (default 1)
 * @param freeBits   λ, nats per latent dimension below which the ELBO's KL gives no gradient (default 0 = off); ≥ 0
 * @param klSchedule the ELBO's KL weight schedule: {@code constant} (default), {@code linear:N} or {@code cyclical:M:R}
 */
public record Objective(Kind kind, double beta, int samples, double freeBits, String klSchedule) {

    /** The bound an objective trains. */
    public enum Kind {
        ELBO, IWAE;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Case-insensitive; an unknown name gets a message listing the kinds. */
        @JsonCreator
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(String.valueOf(name).trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("objective kind must be one of "
                    + Arrays.stream(values()).map(Kind::id).toList() + ", got " + name);
        }
    }

    public Objective {
        if (kind == null) {
            throw new IllegalArgumentException("objective kind must be one of [elbo, iwae], got null");
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples (k) must be >= 1, got " + samples);
        }
        if (!(freeBits >= 0) || Double.isInfinite(freeBits)) {
            throw new IllegalArgumentException("freeBits must be finite and >= 0, got " + freeBits);
        }
        klSchedule = KlSchedule.parse(klSchedule == null ? "constant" : klSchedule).spec();
        if (kind == Kind.ELBO && samples != 1) {
            throw new IllegalArgumentException("samples (k) must be 1 for the elbo objective (one z per example), got "
                    + samples + "; use kind iwae for a k-sample bound");
        }
        if (kind == Kind.IWAE && (beta != 1.0 || freeBits != 0 || !"constant".equals(klSchedule))) {
            throw new IllegalArgumentException("the iwae objective is the importance-weighted bound itself: beta must be "
                    + "1, freeBits 0 and klSchedule constant, got beta=" + beta + ", freeBits=" + freeBits
                    + ", klSchedule=" + klSchedule);
        }
    }

    /** The plain ELBO: β = 1, constant weight, no free bits. */
    public static Objective elbo() {
        return new Objective(Kind.ELBO, 1.0, 1, 0.0, "constant");
    }

    /** The ELBO with KL weight β and a schedule ({@link KlSchedule#parse} syntax). */
    public static Objective elbo(double beta, String klSchedule) {
        return new Objective(Kind.ELBO, beta, 1, 0.0, klSchedule);
    }

    /** The importance-weighted bound with k samples per example. */
    public static Objective iwae(int k) {
        return new Objective(Kind.IWAE, 1.0, k, 0.0, "constant");
    }

    /** A copy with free bits λ. */
    public Objective withFreeBits(double lambda) {
        return new Objective(kind, beta, samples, lambda, klSchedule);
    }

    /** The parsed KL schedule. */
    public KlSchedule schedule() {
        return KlSchedule.parse(klSchedule);
    }

    /** KL weight w for a 0-based epoch of a run of {@code epochs}: β times the schedule's fraction (1 for IWAE). */
    public double klWeight(int epoch, int epochs) {
        return beta * schedule().fraction(epoch, epochs);
    }

    /** Whether this is the importance-weighted bound. */
    public boolean importanceWeighted() {
        return kind == Kind.IWAE;
    }

    /** One line for logs: "elbo", "elbo beta=4 linear:10 freeBits=0.5", "iwae k=5". */
    public String describe() {
        if (kind == Kind.IWAE) {
            return "iwae k=" + samples;
        }
        StringBuilder s = new StringBuilder("elbo");
        if (beta != 1.0) {
            s.append(" beta=").append(beta);
        }
        if (!"constant".equals(klSchedule)) {
            s.append(' ').append(klSchedule);
        }
        if (freeBits > 0) {
            s.append(" freeBits=").append(freeBits);
        }
        return s.toString();
    }
}
