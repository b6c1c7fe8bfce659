package io.github.vae4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import io.github.vae4j.util.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes uncompressed IDX files (LeCun's MNIST format, as {@link IdxRecordReader} reads them): images (magic
 * 0x00000803, count, rows, cols, then one unsigned byte per pixel, row-major) and labels (magic 0x00000801, count,
 * then one byte per label), each whole or not at all ({@link AtomicFiles}).
 */
public final class IdxWriter {

    private IdxWriter() {
    }

    /**
     * Writes images [n, rows·cols] with values in [0, 1] (clamped) as pixels round(255·v).
     */
    public static void writeImages(Path file, INDArray images, int rows, int cols) throws IOException {
        if (images.rank() != 2 || images.size(1) != (long) rows * cols) {
            throw new IllegalArgumentException("images must be [n, " + rows * cols + "] for " + rows + "x" + cols
                    + " pixels, got " + java.util.Arrays.toString(images.shape()));
        }
        double[] v = images.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int n = Math.toIntExact(images.size(0));
        atomically(file, out -> {
            out.writeInt(IdxRecordReader.IMAGES_MAGIC);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            for (double p : v) {
                out.writeByte((int) Math.round(255 * Math.min(1, Math.max(0, p))));
            }
        });
    }

    /** Writes labels 0..255, one byte each. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("IDX labels are bytes 0..255, got " + labels[i] + " at " + i);
            }
        }
        atomically(file, out -> {
            out.writeInt(IdxRecordReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static void atomically(Path file, Body body) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                body.write(out);
            }
        });
    }
}
