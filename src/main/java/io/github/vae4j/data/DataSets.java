package io.github.vae4j.data;

import io.github.vae4j.util.Seeds;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Data sets by name, read through DataVec record readers into memory, normalized and split:
 * <ul>
 *   <li>{@code mnist10k}: the embedded default (inside the jar), 9,003 train / 997 test digits;</li>
 *   <li>{@code fashion} or {@code fashion:DIR}: Fashion-MNIST IDX files (default directory: where Debian's
 *       {@code dataset-fashion-mnist} puts them);</li>
 *   <li>{@code idx:DIR}: any directory with IDX files named like {@code *train*images*}, {@code *train*labels*} and
 *       optionally {@code *t10k*}/{@code *test*} counterparts;</li>
 *   <li>{@code csv:FILE}: numeric CSV, optional label column and header, min-max or standardizing normalizer.</li>
 * </ul>
 * Without a given test split a seeded holdout of {@link DataOptions#testFraction()} is used.
 */
public final class DataSets {

    private static final Logger log = LoggerFactory.getLogger(DataSets.class);
    private static final String MNIST10K = "/io/github/vae4j/data/mnist10k/";
    private static final int READ_BATCH = 1024;

    private DataSets() {
    }

    /** Loads the data set named by {@code spec}; see the class comment. */
    public static DataSplit load(String spec, DataOptions options) {
        if (spec == null || spec.isBlank()) {
            throw new DataFormatException("data set must be mnist10k, fashion[:DIR], idx:DIR or csv:FILE, got empty");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.equals("mnist10k")) {
            return mnist10k();
        }
        if (lower.equals("fashion")) {
            return idxDirectory("fashion", options.fashionDir(), options, true);
        }
        if (lower.startsWith("fashion:")) {
            return idxDirectory("fashion", Path.of(spec.substring(8)), options, true);
        }
        if (lower.startsWith("idx:")) {
            return idxDirectory(spec, Path.of(spec.substring(4)), options, false);
        }
        if (lower.startsWith("csv:")) {
            return csv(spec, Path.of(spec.substring(4)), options);
        }
        throw new DataFormatException("unknown data set '" + spec + "': use mnist10k, fashion[:DIR], idx:DIR or csv:FILE");
    }

    /** The embedded MNIST 10k set, checksum-verified against its SHA256SUMS. */
    public static DataSplit mnist10k() {
        List<URI> train = List.of(resource("mnist10k-train-images-idx3-ubyte.gz"), resource("mnist10k-train-labels-idx1-ubyte.gz"));
        List<URI> test = List.of(resource("mnist10k-test-images-idx3-ubyte.gz"), resource("mnist10k-test-labels-idx1-ubyte.gz"));
        String sha = verifyEmbeddedChecksums();
        Idx tr = readIdx(train);
        Idx te = readIdx(test);
        return new DataSplit("mnist10k", sha, tr.shape(), tr.x(), tr.y(), te.x(), te.y(), null);
    }

    private static DataSplit idxDirectory(String id, Path dir, DataOptions options, boolean fashion) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException("IDX data directory " + dir + " does not exist"
                    + (fashion ? "; install Fashion-MNIST with `apt-get install dataset-fashion-mnist` or use fashion:DIR" : ""));
        }
        Path trainImages = trainImages(dir, fashion);
        String name = trainImages.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean split = name.contains("train");
        // NAMEtrain*images*: NAMEtrain*labels* and NAMEt10k*/NAMEtest* beside it; else (generated-images-idx3-ubyte,
        // as `vae4j generate` writes) the one labels file of the same prefix and a holdout split
        String prefix = name.substring(0, name.indexOf(split ? "train" : "images"));
        Optional<Path> trainLabels = find(dir, prefix, List.of(split ? "train" : ""), "labels");
        Optional<Path> testImages = split ? find(dir, prefix, List.of("t10k", "test"), "images") : Optional.empty();
        Optional<Path> testLabels = split ? find(dir, prefix, List.of("t10k", "test"), "labels") : Optional.empty();
        List<URI> train = new ArrayList<>(List.of(trainImages.toUri()));
        trainLabels.ifPresent(p -> train.add(p.toUri()));
        Idx tr = readIdx(train);
        if (testImages.isEmpty()) {
            String sha = sha256(train);
            return holdout(id, sha, tr.shape(), tr.x(), tr.y(), null, options);
        }
        List<URI> test = new ArrayList<>(List.of(testImages.get().toUri()));
        testLabels.ifPresent(p -> test.add(p.toUri()));
        Idx te = readIdx(test);
        if (!te.shape().equals(tr.shape())) {
            throw new DataFormatException("IDX image sizes differ: " + trainImages + " has images of " + tr.shape()
                    + ", " + testImages.get() + " has " + te.shape());
        }
        String sha = sha256(Stream.concat(train.stream(), test.stream()).toList());
        return new DataSplit(id, sha, tr.shape(), tr.x(), tr.y(), te.x(), te.y(), null);
    }

    /** IDX images [n, rows·cols] in [0, 1], labels [n] or null, and the image shape [1, rows, cols]. */
    record Idx(INDArray x, INDArray y, List<Integer> shape) {
    }

    /** Reads IDX images (and labels) through {@link IdxRecordReader} and DataVec's iterator; pixels scaled to [0, 1]. */
    static Idx readIdx(List<URI> files) {
        try (IdxRecordReader reader = new IdxRecordReader()) {
            reader.initialize(new CollectionInputSplit(files));
            boolean labelled = reader.hasLabels();
            // the records themselves (pixels as one NDArrayWritable, the label as its number): DL4J's
            // RecordReaderDataSetIterator guesses a record of one value to be a class label, which 1-pixel images are
            // not (found by fuzzing, ReaderFuzzTest)
            List<INDArray> xs = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            while (reader.hasNext()) {
                List<org.datavec.api.writable.Writable> record = reader.next();
                xs.add(((org.datavec.api.writable.NDArrayWritable) record.get(0)).get());
                if (labelled) {
                    ys.add(record.get(1).toInt());
                }
            }
            if (xs.isEmpty()) {
                throw new DataFormatException("IDX file " + IdxRecordReader.name(files.get(0)) + " holds no images");
            }
            INDArray x = Nd4j.vstack(xs.toArray(new INDArray[0])).castTo(DataType.FLOAT);
            new ImagePreProcessingScaler(0, 1).transform(x);
            INDArray y = labelled ? Nd4j.createFromArray(ys.stream().mapToInt(Integer::intValue).toArray()) : null;
            return new Idx(x, y, List.of(1, reader.rows(), reader.cols()));
        } catch (IOException e) {
            throw new DataFormatException("cannot read IDX files " + files + ": " + e.getMessage(), e);
        }
    }

    private static DataSplit csv(String id, Path file, DataOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException("CSV file " + file + " does not exist");
        }
        validateCsv(file, options);
        INDArray x;
        INDArray y = null;
        try (RecordReader reader = new CSVRecordReader(options.csvHeader() ? 1 : 0, ',')) {
            reader.initialize(new FileSplit(file.toFile()));
            int label = options.csvLabelColumn();
            DataSetIterator it = label >= 0
                    ? new RecordReaderDataSetIterator(reader, READ_BATCH, label, label, true)
                    : new RecordReaderDataSetIterator(reader, READ_BATCH);
            List<INDArray> xs = new ArrayList<>();
            List<INDArray> ys = new ArrayList<>();
            while (it.hasNext()) {
                DataSet ds = it.next();
                xs.add(ds.getFeatures().castTo(DataType.FLOAT));
                if (label >= 0) {
                    ys.add(ds.getLabels().reshape(ds.getLabels().size(0)).castTo(DataType.INT));
                }
            }
            if (xs.isEmpty()) {
                throw new DataFormatException("CSV file " + file + " has no data rows");
            }
            x = Nd4j.vstack(xs.toArray(new INDArray[0]));
            if (label >= 0) {
                y = Nd4j.concat(0, ys.toArray(new INDArray[0]));
            }
        } catch (NumberFormatException e) {
            throw new DataFormatException("CSV file " + file + " has a non-numeric value: " + e.getMessage()
                    + (options.csvHeader() ? "" : " (does it have a header line? use --csv-header)"), e);
        } catch (IOException | InterruptedException e) {
            throw new DataFormatException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new DataFormatException("CSV file " + file + " is malformed: " + e.getMessage(), e);
        }
        double sum = x.sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            throw new DataFormatException("CSV file " + file + " has values too large to sum in float; rescale the data");
        }
        DataNormalization normalizer = "standardize".equals(options.csvNormalizer())
                ? new NormalizerStandardize() : new NormalizerMinMaxScaler(0, 1);
        return holdout(id, sha256(List.of(file.toUri())), List.of(Math.toIntExact(x.size(1))), x, y, normalizer, options);
    }

    /**
     * Checks a CSV file cell by cell before DataVec reads it, so that each problem is named by its data row (1-based,
     * after any header line), its column (1-based, "column c of w") and its value: rows of different lengths, cells
     * that are not numbers, NaN or infinite values, values beyond float range, a label column outside the rows or
     * labels that are not class numbers 0, 1, 2, …, and (under {@code standardize}) a feature column with the same
     * value in every row, whose standard deviation of 0 the normalizer would divide by.
     */
    static void validateCsv(Path file, DataOptions options) {
        int label = options.csvLabelColumn();
        int width = -1;
        int row = 0;
        double[] min = null;
        double[] max = null;
        try (RecordReader reader = new CSVRecordReader(options.csvHeader() ? 1 : 0, ',')) {
            reader.initialize(new FileSplit(file.toFile()));
            while (reader.hasNext()) {
                List<org.datavec.api.writable.Writable> record;
                try {
                    record = reader.next();
                } catch (RuntimeException e) {
                    // DataVec wraps a line it cannot split (an unterminated quote) in a RuntimeException
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw new DataFormatException("CSV file " + file + " cannot be split into columns at data row "
                            + (row + 1) + ": " + cause.getMessage(), e);
                }
                row++;
                String where = "data row " + row + (options.csvHeader() ? " (line " + (row + 1) + ")" : "");
                if (width < 0) {
                    width = record.size();
                    if (label >= width) {
                        throw new DataFormatException("--csv-label-column " + label + " is outside CSV file " + file
                                + ", whose rows have " + width + " columns (the label column counts from 0: 0 to "
                                + (width - 1) + ")");
                    }
                    if (width - (label >= 0 ? 1 : 0) < 1) {
                        throw new DataFormatException("CSV file " + file + " has no feature columns: its rows have "
                                + width + " column" + (width == 1 ? "" : "s") + " and --csv-label-column " + label
                                + " takes " + (width == 1 ? "it" : "one"));
                    }
                    min = new double[width];
                    max = new double[width];
                    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
                    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
                } else if (record.size() != width) {
                    throw new DataFormatException("CSV file " + file + " has " + record.size() + " columns in " + where
                            + " but " + width + " in data row 1; every row needs the same columns");
                }
                for (int c = 0; c < width; c++) {
                    String cell = record.get(c).toString().strip();
                    String at = where + ", column " + (c + 1) + " of " + width;
                    double v;
                    try {
                        v = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new DataFormatException("CSV file " + file + " has '" + cell + "' in " + at
                                + ", not a number" + (options.csvHeader() || row > 1 ? ""
                                : " (is the first line a header? use --csv-header)"));
                    }
                    if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
                        throw new DataFormatException("CSV file " + file + " has " + cell + " in " + at
                                + (Double.isFinite(v) ? ", beyond the float range" : "")
                                + "; remove or impute non-finite values");
                    }
                    if (c == label && (v < 0 || v != Math.rint(v))) {
                        throw new DataFormatException("CSV file " + file + " has label " + cell + " in " + at
                                + "; labels must be class numbers 0, 1, 2, ...");
                    }
                    min[c] = Math.min(min[c], v);
                    max[c] = Math.max(max[c], v);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new DataFormatException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new DataFormatException("CSV file " + file + " is malformed: " + e.getMessage(), e);
        }
        if (row == 0) {
            throw new DataFormatException("CSV file " + file + " has no data rows");
        }
        if ("standardize".equals(options.csvNormalizer())) {
            for (int c = 0; c < width; c++) {
                if (c != label && min[c] == max[c]) {
                    throw new DataFormatException("CSV file " + file + " has the same value " + min[c] + " in every row "
                            + "of column " + (c + 1) + " of " + width + "; --csv-normalizer standardize would divide by "
                            + "its standard deviation 0 (drop the column, or use --csv-normalizer minmax)");
                }
            }
        }
    }

    /** Seeded random holdout; fits {@code normalizer} (if any) on the training rows only and applies it to both. */
    private static DataSplit holdout(String id, String sha, List<Integer> shape, INDArray x, INDArray y,
            DataNormalization normalizer, DataOptions options) {
        int n = (int) x.size(0);
        int nTest = (int) Math.round(n * options.testFraction());
        if (nTest < 1 || nTest >= n) {
            throw new DataFormatException(id + ": " + n + " rows are too few for a " + options.testFraction()
                    + " holdout split");
        }
        int[] perm = Permutations.shuffled(n, new Random(Seeds.derive(options.seed(), Seeds.Stream.TEST_SPLIT, 0)));
        int[] testIdx = java.util.Arrays.copyOfRange(perm, 0, nTest);
        int[] trainIdx = java.util.Arrays.copyOfRange(perm, nTest, n);
        INDArray trainX = Nd4j.pullRows(x, 1, trainIdx);
        INDArray testX = Nd4j.pullRows(x, 1, testIdx);
        INDArray trainY = y == null ? null : Nd4j.pullRows(y.reshape(n, 1), 1, trainIdx).reshape(trainIdx.length);
        INDArray testY = y == null ? null : Nd4j.pullRows(y.reshape(n, 1), 1, testIdx).reshape(nTest);
        if (normalizer != null) {
            normalizer.fit(new DataSet(trainX, null));
            normalizer.transform(trainX);
            normalizer.transform(testX);
        }
        log.info("{}: no test split given, held out {} of {} rows (seed {})", id, nTest, n, options.seed());
        return new DataSplit(id, sha, shape, trainX, trainY, testX, testY, normalizer);
    }

    /**
     * The training-images file of an IDX directory: the one file named {@code PREFIXtrain*images*ubyte*}; for
     * Fashion-MNIST a name containing "fashion" wins when several match.
     */
    private static Path trainImages(Path dir, boolean fashion) {
        List<Path> candidates = list(dir).stream().filter(p -> {
            String n = lower(p);
            return n.contains("train") && n.contains("images") && n.contains("ubyte");
        }).toList();
        if (candidates.isEmpty()) {
            // no train/test naming: a single images file (e.g. what `vae4j generate` writes)
            candidates = list(dir).stream().filter(p -> {
                String n = lower(p);
                return n.contains("images") && n.contains("ubyte") && !n.contains("t10k") && !n.contains("test");
            }).toList();
        }
        if (candidates.size() > 1 && fashion) {
            List<Path> named = candidates.stream().filter(p -> lower(p).contains("fashion")).toList();
            candidates = named.isEmpty() ? candidates : named;
        }
        if (candidates.isEmpty()) {
            throw new DataFormatException("no training images (a file named *train*images*ubyte*, or one *images*ubyte* "
                    + "file) in " + dir);
        }
        if (candidates.size() > 1) {
            throw new DataFormatException("ambiguous IDX directory " + dir + ": several training image files "
                    + candidates.stream().map(p -> p.getFileName().toString()).sorted().toList());
        }
        return candidates.get(0);
    }

    /** The file named {@code prefix + part + ... + kind + ... ubyte ...} for the first part that has one. */
    private static Optional<Path> find(Path dir, String prefix, List<String> parts, String kind) {
        List<Path> files = list(dir);
        for (String part : parts) {
            Optional<Path> hit = files.stream().filter(p -> {
                String n = lower(p);
                return n.startsWith(prefix + part) && n.contains(kind) && n.contains("ubyte");
            }).sorted().findFirst();
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String lower(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT);
    }

    private static URI resource(String name) {
        URL url = DataSets.class.getResource(MNIST10K + name);
        if (url == null) {
            throw new DataFormatException("embedded data file " + name + " is missing from the vae4j jar");
        }
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new DataFormatException("bad resource URL " + url, e);
        }
    }

    /**
     * Checks every embedded file against SHA256SUMS and returns the SHA-256 of SHA256SUMS itself, which pins all
     * files (so the data set id hash needs no second read of the data).
     */
    private static String verifyEmbeddedChecksums() {
        URI sums = resource("SHA256SUMS");
        try (InputStream in = sums.toURL().openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 2) {
                    continue;
                }
                String actual = sha256(List.of(resource(parts[1])));
                if (!actual.equals(parts[0])) {
                    throw new DataFormatException("embedded data file " + parts[1] + " is corrupt: SHA-256 " + actual
                            + ", expected " + parts[0]);
                }
            }
            return sha256(List.of(sums));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 over the bytes of the given files, in order. */
    public static String sha256(List<URI> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (URI uri : files) {
                try (InputStream in = new DigestInputStream(uri.toURL().openStream(), md)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checksum " + files, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
