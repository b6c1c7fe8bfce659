package io.github.vae4j.nn;

/**
 * The IWAE objective's hand-off between the two layers that compute it in one training pass of a network: the
 * {@link VariationalLayer} draws k samples z_s per example and knows r_s = log p(z_s) − log q(z_s|x); the likelihood
 * loss on the output layer knows log p(x|z_s). The bound −log (1/k) Σ_s exp(log p(x|z_s) + r_s) and its normalized
 * weights w̃_s = softmax_s(log p(x|z_s) + r_s) need both.
 *
 * <p>DL4J gives a layer only its own input, so the variational layer's training forward pass publishes r here, for
 * the calling thread; the loss reads it when the rows it scores are k times its labels' rows, and leaves the weights
 * w̃ for the variational layer's backprop, which follows in the same thread. A network is trained by one thread at
 * a time (DL4J's {@code fit}), and every forward pass replaces the entry, so an entry always belongs to the pass in
 * progress. Works the same in a network loaded by plain DL4J code: nothing is attached to the network.
 */
public final class ImportanceWeights {

    private static final ThreadLocal<ImportanceWeights> CURRENT = new ThreadLocal<>();

    private final int samples;
    private final int examples;
    /** r per row: log p(z) − log q(z|x), row s·examples + i. */
    private final double[] logPriorOverPosterior;
    /** w̃ per row, set by the loss; null until then. */
    private double[] normalizedWeights;

    private ImportanceWeights(int samples, int examples, double[] logPriorOverPosterior) {
        this.samples = samples;
        this.examples = examples;
        this.logPriorOverPosterior = logPriorOverPosterior;
    }

    /** Called by the variational layer's training forward pass: the k·n log-ratios r of this pass. */
    static ImportanceWeights publish(int samples, int examples, double[] logPriorOverPosterior) {
        if (logPriorOverPosterior.length != samples * examples) {
            throw new IllegalArgumentException("expected " + samples * examples + " log-ratios, got "
                    + logPriorOverPosterior.length);
        }
        ImportanceWeights w = new ImportanceWeights(samples, examples, logPriorOverPosterior);
        CURRENT.set(w);
        return w;
    }

    /**
     * The entry of the pass in progress for a loss that scores {@code rows} rows against {@code examples} labels, or
     * an error that says why there is none.
     */
    static ImportanceWeights forLoss(long rows, long examples) {
        ImportanceWeights w = CURRENT.get();
        if (w == null || w.examples != examples || (long) w.samples * examples != rows) {
            throw new IllegalArgumentException("the loss got " + rows + " rows of network output for " + examples
                    + " examples, which only the IWAE objective's training pass produces (k = rows / examples), but "
                    + "no such pass is in progress in this thread"
                    + (w == null ? "" : " (the latest drew " + w.samples + " samples for " + w.examples + " examples)"));
        }
        return w;
    }

    /** Forgets this thread's entry (a pass without k samples began, so nobody will read it). */
    static void clear() {
        CURRENT.remove();
    }

    int samples() {
        return samples;
    }

    double logPriorOverPosterior(int row) {
        return logPriorOverPosterior[row];
    }

    void setNormalizedWeights(double[] weights) {
        this.normalizedWeights = weights;
    }

    /** w̃ per row, as the loss computed them; an error if the loss has not run in this pass. */
    double[] normalizedWeights() {
        if (normalizedWeights == null) {
            throw new IllegalStateException("IWAE backprop reached the variational layer before the likelihood loss "
                    + "computed the importance weights");
        }
        return normalizedWeights;
    }
}
