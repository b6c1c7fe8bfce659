package io.github.vae4j.data;

import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxRecordReaderTest {

    static final Path SHARED = Path.of("../shared/data");

    @Test
    void readsTheEmbeddedMnist10k() {
        DataSplit d = DataSets.mnist10k();
        assertEquals(9003, d.trainX().size(0));
        assertEquals(997, d.testX().size(0));
        assertEquals(784, d.dimensions());
        assertEquals(0.0, d.trainX().minNumber().doubleValue());
        assertEquals(1.0, d.trainX().maxNumber().doubleValue());
        assertEquals(9003, d.trainLabels().length());
        assertTrue(d.trainLabels().minNumber().intValue() == 0 && d.trainLabels().maxNumber().intValue() == 9);
        assertEquals(64, d.sha256().length());
    }

    @Test
    void readsRealFilesRecordByRecordAndMatchesTheRawBytes() throws Exception {
        Path images = SHARED.resolve("mnist10k-train-images-idx3-ubyte.gz");
        Path labels = SHARED.resolve("mnist10k-train-labels-idx1-ubyte.gz");
        byte[] rawImages = gunzip(images);
        byte[] rawLabels = gunzip(labels);
        try (IdxRecordReader r = new IdxRecordReader()) {
            r.initialize(new CollectionInputSplit(List.of(labels.toUri(), images.toUri()))); // order found from magic
            assertEquals(9003, r.count());
            assertEquals(784, r.imageSize());
            List<Writable> first = r.next();
            INDArray px = ((NDArrayWritable) first.get(0)).get();
            for (int i = 0; i < 784; i++) {
                assertEquals(rawImages[16 + i] & 0xff, px.getInt(0, i));
            }
            assertEquals(rawLabels[8] & 0xff, first.get(1).toInt(), "first label");
            int n = 1;
            while (r.hasNext()) {
                r.next();
                n++;
            }
            assertEquals(9003, n);
        }
    }

    @Test
    void fashionFromADirectoryHasTheOfficialSplit() {
        DataSplit d = DataSets.load("fashion", DataOptions.defaults().withFashionDir(SHARED));
        assertEquals(60000, d.trainX().size(0));
        assertEquals(10000, d.testX().size(0));
        assertEquals("fashion", d.id());
    }

    @Test
    void badMagicIsReportedWithTheFileName(@TempDir Path dir) throws IOException {
        Path f = write(dir.resolve("bad-images.gz"), header(0x00000804, 1, 2, 2), new byte[4]);
        DataFormatException e = assertThrows(DataFormatException.class, () -> open(f));
        assertTrue(e.getMessage().contains("bad-images.gz: bad IDX magic number 0x00000804"), e.getMessage());
    }

    @Test
    void truncatedDataIsReportedWithTheFileAndImage(@TempDir Path dir) throws IOException {
        Path f = write(dir.resolve("short-images"), header(0x00000803, 3, 2, 2), new byte[9]); // 2.25 images
        try (IdxRecordReader r = open(f)) {
            r.next();
            r.next();
            DataFormatException e = assertThrows(DataFormatException.class, r::next);
            assertTrue(e.getMessage().endsWith("short-images is truncated: header says 3 images of 2x2, data ends in image 3"),
                    e.getMessage());
        }
    }

    @Test
    void countMismatchBetweenImagesAndLabelsIsReported(@TempDir Path dir) throws IOException {
        Path img = write(dir.resolve("train-images"), header(0x00000803, 3, 2, 2), new byte[12]);
        Path lab = write(dir.resolve("train-labels"), header(0x00000801, 2), new byte[2]);
        DataFormatException e = assertThrows(DataFormatException.class, () -> {
            try (IdxRecordReader r = new IdxRecordReader()) {
                r.initialize(new CollectionInputSplit(List.of(img.toUri(), lab.toUri())));
            }
        });
        assertTrue(e.getMessage().contains("has 3 images but") && e.getMessage().contains("train-labels has 2 labels"),
                e.getMessage());
    }

    @Test
    void missingFashionDirectorySaysHowToInstall(@TempDir Path dir) {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataSets.load("fashion", DataOptions.defaults().withFashionDir(dir.resolve("nope"))));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> DataSets.load("cifar", DataOptions.defaults()));
        assertTrue(e.getMessage().startsWith("unknown data set 'cifar'"), e.getMessage());
    }

    private static IdxRecordReader open(Path f) throws IOException {
        IdxRecordReader r = new IdxRecordReader();
        r.initialize(new CollectionInputSplit(List.<URI>of(f.toUri())));
        return r;
    }

    static byte[] header(int... ints) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        for (int i : ints) {
            out.writeInt(i);
        }
        return b.toByteArray();
    }

    static Path write(Path f, byte[] header, byte[] body) throws IOException {
        try (OutputStream raw = Files.newOutputStream(f);
             OutputStream out = f.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
            out.write(header);
            out.write(body);
        }
        return f;
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }
}
