package io.github.vae4j.pretrained;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pretrained model's card ({@code MODEL_CARD.md}): how the model was trained and what it measures on its data
 * set's test split. {@link #markdown()} writes it; {@link #parse} reads the two tables back, so the tests can
 * recompute the measurements and fail when a card disagrees with its model.
 *
 * @param name             the model's name (its folder in {@code models/})
 * @param architecture     {@code VaeConfig.describe()}
 * @param parameters       trainable parameters
 * @param latentSize       latent dimensions
 * @param dataSet          the data set id the commands take ({@code mnist10k}, {@code fashion})
 * @param dataSha256       SHA-256 of the training files, as the model's metadata records it
 * @param trainExamples    training examples
 * @param command          the exact command that trained it
 * @param seed             the training seed
 * @param epochs           epochs trained
 * @param optimizer        updater, learning rate and batch size
 * @param trainingSeconds  wall time of the training loop
 * @param machine          CPU, cores and native settings of the machine that published it ({@code models/build.sh}
 *                         trains and publishes on one machine)
 * @param trainedAt        ISO-8601 time the model was written
 * @param gitCommit        the commit it was trained from
 * @param conditional      a conditional model: its bounds are on log p(x|y)
 * @param measured         the test-split measurements
 */
public record ModelCard(String name, String architecture, long parameters, int latentSize, String dataSet,
                        String dataSha256, long trainExamples, String command, long seed, int epochs, String optimizer,
                        double trainingSeconds, String machine, String trainedAt, String gitCommit, boolean conditional,
                        Measured measured) {

    /**
     * @param testExamples   test examples of the ELBO and the active units
     * @param elboSamples    z draws per example of the ELBO
     * @param evalSeed       seed of every draw of the evaluation ({@code vae4j evaluate --seed})
     * @param negativeElbo   mean −ELBO, nats
     * @param reconstruction its −E_q[log p(x|z)] part
     * @param kl             its KL part
     * @param isExamples     test examples of the importance-sampled log-likelihood (the first ones)
     * @param k              importance samples per example
     * @param logLikelihood  mean importance-sampled log p(x) (log p(x|y) for a conditional model)
     * @param activeUnits    latent dimensions with Cov_x(E_q[z_j]) > 0.01
     */
    public record Measured(long testExamples, int elboSamples, long evalSeed, double negativeElbo,
                           double reconstruction, double kl, long isExamples, int k, double logLikelihood,
                           int activeUnits) {
    }

    /** A table cell boundary: a pipe that Markdown does not escape. */
    private static final Pattern CELL = Pattern.compile("(?<!\\\\)\\|");
    private static final Pattern NUMBER = Pattern.compile("^(-?[0-9]+(?:\\.[0-9]+)?)");

    /** The card as Markdown. */
    public String markdown() {
        Measured m = measured;
        String license = license(dataSet);
        StringBuilder s = new StringBuilder();
        s.append("# ").append(name).append("\n\n");
        s.append("A pretrained vae4j model: `").append(architecture).append("`, ").append(String.format(Locale.ROOT, "%,d", parameters))
                .append(" parameters, trained on ").append(dataTitle(dataSet)).append(". `model.zip` is a standard DL4J ")
                .append("`ComputationGraph` zip with vae4j's metadata and no updater state; `model.zip.sha256` is its ")
                .append("checksum (`sha256sum -c model.zip.sha256`). This card is written by `vae4j publish`, and the ")
                .append("build recomputes its test −ELBO and fails when the card and the model disagree.\n\n");
        s.append("## Training\n\n| | |\n|---|---|\n");
        row(s, "command", "`" + command + "` (`models/build.sh` runs it, then `vae4j publish`, which wrote this "
                + "card)");
        row(s, "data set", "`" + dataSet + "`: " + dataTitle(dataSet) + ", " + trainExamples + " training images");
        row(s, "data SHA-256", "`" + dataSha256 + "`");
        row(s, "data license", license);
        row(s, "seed", String.valueOf(seed));
        row(s, "epochs", String.valueOf(epochs));
        row(s, "optimizer", optimizer);
        row(s, "training time", String.format(Locale.ROOT, "%.0f s", trainingSeconds));
        row(s, "machine", machine);
        row(s, "trained", trainedAt + " from commit `" + gitCommit + "`");
        s.append("\n## Measured on the test split\n\n");
        String evaluate = "./vae4j evaluate --model " + name + " --data " + dataSet + " --k " + m.k() + " --seed "
                + m.evalSeed();
        s.append("Nats per example. ").append(m.isExamples() < m.testExamples()
                ? "`" + evaluate + " --max-examples " + m.isExamples() + "` reproduces the log p(x) row (its ELBO rows "
                        + "then cover those examples only), `" + evaluate.replace(" --k " + m.k(), " --k 1")
                        + "` the others."
                : "`" + evaluate + "` reproduces every row.").append("\n\n");
        String px = conditional ? "log p(x\\|y)" : "log p(x)";
        s.append("| metric | value |\n|---|---|\n");
        row(s, "test examples", String.valueOf(m.testExamples()));
        row(s, "−ELBO", String.format(Locale.ROOT, "%.3f (%d z draws, seed %d)", m.negativeElbo(), m.elboSamples(), m.evalSeed()));
        row(s, "reconstruction", String.format(Locale.ROOT, "%.3f (−E_q[log p(x\\|z)])", m.reconstruction()));
        row(s, "KL", String.format(Locale.ROOT, "%.3f (KL(q(z\\|x) ‖ p(z)))", m.kl()));
        row(s, "log-likelihood", String.format(Locale.ROOT, "%.3f (%s, importance sampled: k = %d, first %d test examples, seed %d)",
                m.logLikelihood(), px, m.k(), m.isExamples(), m.evalSeed()));
        row(s, "active units", String.format(Locale.ROOT, "%d (of %d; Cov_x(E_q[z_j]) > 0.01)", m.activeUnits(), latentSize));
        if (conditional) {
            s.append("\nA conditional model: the label is given, so the ELBO and the importance-sampled estimate bound ")
                    .append("log p(x|y), not log p(x).\n");
        }
        s.append("\n## Samples and reconstructions\n\n");
        s.append("Samples decoded from z ~ N(0, I) (`./vae4j sample --model ").append(name).append(" --seed 0`):\n\n");
        s.append("![samples](samples.png)\n\n");
        s.append("Test images (odd rows) and their reconstructions (even rows) (`./vae4j reconstruct --model ").append(name)
                .append(" --data ").append(dataSet).append("`):\n\n![reconstructions](reconstructions.png)\n\n");
        s.append("## Use\n\n```bash\n./vae4j sample --model ").append(name).append("          # any command's --model takes the name\n```\n\n");
        s.append("```java\nVaeModel vae = PretrainedModels.load(\"").append(name).append("\");   // vae4j's API\n")
                .append("ComputationGraph graph = ComputationGraph.load(new File(\"models/").append(name)
                .append("/model.zip\"), false);   // plain DL4J, vae4j's jar on the classpath\n```\n\n");
        s.append("## Limitations\n\n").append(limitations(dataSet)).append("\n");
        return s.toString();
    }

    /**
     * The measurements and the training facts read back from a card's tables.
     *
     * @throws IllegalArgumentException naming the row when one is missing or unreadable
     */
    public static Parsed parse(String markdown) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : markdown.split("\n")) {
            String t = line.trim();
            if (!t.startsWith("|") || !t.endsWith("|")) {
                continue;
            }
            String[] cells = CELL.split(t.substring(1, t.length() - 1), -1);
            if (cells.length == 2 && !cells[0].trim().startsWith("---")) {
                rows.putIfAbsent(cells[0].trim(), cells[1].trim());
            }
        }
        Matcher elbo = Pattern.compile("^(-?[0-9.]+) \\(([0-9]+) z draws, seed ([0-9]+)\\)$").matcher(get(rows, "−ELBO"));
        if (!elbo.matches()) {
            throw new IllegalArgumentException("model card: unreadable −ELBO row '" + rows.get("−ELBO") + "'");
        }
        String dataSet = get(rows, "data set");
        Matcher id = Pattern.compile("^`([^`]+)`.*").matcher(dataSet);
        if (!id.matches()) {
            throw new IllegalArgumentException("model card: unreadable data set row '" + dataSet + "'");
        }
        return new Parsed(id.group(1), (long) number(rows, "seed"), (int) number(rows, "epochs"),
                (long) number(rows, "test examples"), Double.parseDouble(elbo.group(1)),
                Integer.parseInt(elbo.group(2)), Long.parseLong(elbo.group(3)),
                number(rows, "reconstruction"), number(rows, "KL"), number(rows, "log-likelihood"),
                (int) number(rows, "active units"));
    }

    /** What {@link #parse} reads from a card. */
    public record Parsed(String dataSet, long seed, int epochs, long testExamples, double negativeElbo,
                         int elboSamples, long evalSeed, double reconstruction, double kl, double logLikelihood,
                         int activeUnits) {
    }

    private static String get(Map<String, String> rows, String key) {
        String v = rows.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model card: no '" + key + "' row");
        }
        return v;
    }

    private static double number(Map<String, String> rows, String key) {
        Matcher m = NUMBER.matcher(get(rows, key));
        if (!m.find()) {
            throw new IllegalArgumentException("model card: row '" + key + "' has no number: '" + rows.get(key) + "'");
        }
        return Double.parseDouble(m.group(1));
    }

    private static void row(StringBuilder s, String key, String value) {
        s.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static boolean fashion(String dataSet) {
        return dataSet.toLowerCase(Locale.ROOT).startsWith("fashion");
    }

    private static String dataTitle(String dataSet) {
        return fashion(dataSet) ? "Fashion-MNIST (Zalando Research; 28×28 grey images of 10 kinds of clothing)"
                : dataSet.equals("mnist10k") ? "mnist10k (10,000 MNIST digits, 28×28 grey, shipped inside vae4j's jar)"
                : dataSet;
    }

    private static String license(String dataSet) {
        return fashion(dataSet) ? "MIT (Fashion-MNIST, © 2017 Zalando SE)"
                : dataSet.startsWith("mnist") ? "CC BY-SA 3.0 (MNIST, Yann LeCun, Corinna Cortes and Christopher J.C. Burges)"
                : "see the data set's own terms";
    }

    private static String limitations(String dataSet) {
        String data = fashion(dataSet) ? "Fashion-MNIST's 28×28 centred grey product photos"
                : "28×28 centred grey handwritten digits like MNIST's";
        return "Trained for a demonstration budget on the CPU named above, not to the state of the art: the likelihood above is "
                + "what it reaches, and samples are blurry as a VAE's with a factorized pixel likelihood are. It models "
                + data + " only; anything else is out of distribution (which is what its anomaly scores detect).";
    }
}
