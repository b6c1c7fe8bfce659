package io.github.vae4j.eval;

/**
 * The area under the ROC curve of a score that should be higher for positives: the probability that a random positive
 * scores above a random negative, ties counting one half (the Mann–Whitney U statistic over n₊·n₋).
 */
public final class Auroc {

    private Auroc() {
    }

    /** AUROC of {@code scores} for the examples where {@code positive} is true against the rest. */
    public static double of(double[] scores, boolean[] positive) {
        long positives = check(scores, positive);
        Integer[] order = ascending(scores);
        // ranks 1..n, tied scores sharing their mean rank
        double rankSumPositive = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSumPositive += rank;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * The ROC curve of {@code scores}: the false- and true-positive rates ({@code [0]} and {@code [1]}) of every
     * threshold, from (0, 0) (nothing flagged) to (1, 1) (everything flagged); tied scores move as one step. The
     * trapezoidal area under it is {@link #of}.
     */
    public static double[][] curve(double[] scores, boolean[] positive) {
        long positives = check(scores, positive);
        long negatives = scores.length - positives;
        Integer[] order = ascending(scores);
        double[] fpr = new double[scores.length + 1];
        double[] tpr = new double[scores.length + 1];
        int points = 1;
        long tp = 0;
        long fp = 0;
        // thresholds from the highest score down: each group of tied scores is flagged at once
        for (int j = order.length - 1; j >= 0; points++) {
            double threshold = scores[order[j]];
            for (; j >= 0 && scores[order[j]] == threshold; j--) {
                if (positive[order[j]]) {
                    tp++;
                } else {
                    fp++;
                }
            }
            fpr[points] = (double) fp / negatives;
            tpr[points] = (double) tp / positives;
        }
        return new double[][] {java.util.Arrays.copyOf(fpr, points), java.util.Arrays.copyOf(tpr, points)};
    }

    /** Indices of {@code scores} in ascending order of score. */
    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> scores[i]));
        return order;
    }

    /** Scores and labels of the same length, no NaN score, both classes present; returns the number of positives. */
    private static long check(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("AUROC of scores with NaN (example " + i + ")");
            }
            positives += positive[i] ? 1 : 0;
        }
        if (positives == 0 || positives == scores.length) {
            throw new IllegalArgumentException("AUROC needs both positives and negatives, got " + positives + " and "
                    + (scores.length - positives));
        }
        return positives;
    }
}
