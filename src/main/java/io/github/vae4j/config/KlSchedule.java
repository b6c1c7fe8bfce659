package io.github.vae4j.config;

import java.util.Locale;

/**
 * How the KL weight w of the ELBO moves over training, as a fraction of β per 0-based epoch. Written in configs and on
 * the command line as one string:
 * <ul>
 *   <li>{@code constant}: w = β from the first epoch;</li>
 *   <li>{@code linear:N}: the linear warm-up of Bowman et al. (2016), w = β·(e + 1)/(N + 1) for e &lt; N, then β;</li>
 *   <li>{@code cyclical:M:R}: the cyclical schedule of Fu et al. ("Cyclical Annealing Schedule", NAACL 2019): the run
 *       of T epochs is cut into M cycles; with τ = frac(e·M/T), the position within its cycle, w = β·min(1, τ/R),
 *       so the weight ramps from 0 over a ratio R of each cycle and stays at β for the rest.</li>
 * </ul>
 * The weight is evaluated once per epoch (the network's epoch counter), so a cycle should span several epochs.
 */
public sealed interface KlSchedule {

    /** The fraction of β that weights the KL term in 0-based epoch {@code epoch} of a run of {@code epochs}. */
    double fraction(int epoch, int epochs);

    /** The string form, as {@link #parse} reads it. */
    String spec();

    /** w = β throughout. */
    record Constant() implements KlSchedule {
        @Override
        public double fraction(int epoch, int epochs) {
            return 1.0;
        }

        @Override
        public String spec() {
            return "constant";
        }
    }

    /** w = β·(e + 1)/(N + 1) for epoch e &lt; N, then β. */
    record Linear(int warmupEpochs) implements KlSchedule {
        public Linear {
            if (warmupEpochs < 1) {
                throw new IllegalArgumentException("klSchedule linear:N needs N >= 1 warm-up epochs, got " + warmupEpochs);
            }
        }

        @Override
        public double fraction(int epoch, int epochs) {
            return epoch >= warmupEpochs ? 1.0 : (epoch + 1) / (warmupEpochs + 1.0);
        }

        @Override
        public String spec() {
            return "linear:" + warmupEpochs;
        }
    }

    /** M cycles over the run, each ramping from 0 to β over a ratio R of the cycle (Fu et al. 2019). */
    record Cyclical(int cycles, double ratio) implements KlSchedule {
        public Cyclical {
            if (cycles < 1) {
                throw new IllegalArgumentException("klSchedule cyclical:M:R needs M >= 1 cycles, got " + cycles);
            }
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("klSchedule cyclical:M:R needs a ramp ratio R in (0, 1], got " + ratio);
            }
        }

        @Override
        public double fraction(int epoch, int epochs) {
            double position = (double) epoch * cycles / epochs;
            double tau = position - Math.floor(position);
            return Math.min(1.0, tau / ratio);
        }

        @Override
        public String spec() {
            return "cyclical:" + cycles + ":" + ratio;
        }
    }

    /**
     * Reads {@code constant}, {@code linear:N} or {@code cyclical:M:R}; a bad string gets a message that names it.
     */
    static KlSchedule parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        String[] parts = s.split(":", -1);
        try {
            switch (parts[0]) {
                case "constant", "none":
                    if (parts.length == 1) {
                        return new Constant();
                    }
                    break;
                case "linear":
                    if (parts.length == 2) {
                        return new Linear(Integer.parseInt(parts[1]));
                    }
                    break;
                case "cyclical":
                    if (parts.length == 3) {
                        return new Cyclical(Integer.parseInt(parts[1]), Double.parseDouble(parts[2]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole string
        }
        throw new IllegalArgumentException("klSchedule must be constant, linear:N or cyclical:M:R (e.g. linear:10, "
                + "cyclical:4:0.5), got " + spec);
    }
}
