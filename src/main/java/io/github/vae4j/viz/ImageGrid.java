package io.github.vae4j.viz;

import io.github.vae4j.util.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Writes rows of square grey-scale images (values in [0, 1]) as one PNG grid. */
public final class ImageGrid {

    private static final int PAD = 2;

    private ImageGrid() {
    }

    /** Side length of the square images of {@code dimensions} pixels, or -1 when it is not a perfect square. */
    public static int side(long dimensions) {
        int s = (int) Math.round(Math.sqrt(dimensions));
        return (long) s * s == dimensions ? s : -1;
    }

    /**
     * Writes {@code images} ([n, side²], row-major pixels in [0, 1]) as a grid of {@code cols} columns.
     *
     * @throws IllegalArgumentException when the images are not square
     */
    public static void write(INDArray images, int cols, Path file) throws IOException {
        writeAtomically(image(images, cols), file);
    }

    /** The grid {@link #write} writes, as an image (a notebook shows it with {@code display(...)}). */
    public static BufferedImage image(INDArray images, int cols) {
        return render(images, cols, null);
    }

    /** The grid {@link #writeComparison} writes, as an image. */
    public static BufferedImage comparisonImage(INDArray originals, INDArray reconstructions, int cols) {
        return image(interleave(originals, reconstructions, cols), cols);
    }

    /** Width of the margin that carries the row marks of {@link #writeMarked}. */
    static final int MARK = 6;

    /**
     * As {@link #write}, in colour, with a left margin in which every row whose {@code marked} entry is true gets a
     * red bar (a traversal marks its inactive latent dimensions this way).
     */
    public static void writeMarked(INDArray images, int cols, boolean[] marked, Path file) throws IOException {
        writeAtomically(render(images, cols, marked), file);
    }

    /** The grid, grey-scale; with row marks (one per row) in colour with a marked margin. */
    private static BufferedImage render(INDArray images, int cols, boolean[] marked) {
        int n = (int) images.size(0);
        int side = side(images.size(1));
        if (side < 0) {
            throw new IllegalArgumentException("cannot draw images of " + images.size(1) + " values: not a square");
        }
        int rows = (n + cols - 1) / cols;
        if (marked != null && marked.length != rows) {
            throw new IllegalArgumentException(marked.length + " row marks for " + rows + " rows");
        }
        int left = marked == null ? 0 : MARK;
        BufferedImage img = new BufferedImage(left + cols * (side + PAD) + PAD, rows * (side + PAD) + PAD,
                marked == null ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int r = 0; marked != null && r < rows; r++) {
            for (int y = PAD + r * (side + PAD); marked[r] && y < (r + 1) * (side + PAD); y++) {
                for (int x = 1; x < MARK - 1; x++) {
                    img.setRGB(x, y, 0xE02020);
                }
            }
        }
        float[] px = images.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        var raster = img.getRaster();
        for (int i = 0; i < n; i++) {
            int x0 = left + PAD + (i % cols) * (side + PAD);
            int y0 = PAD + (i / cols) * (side + PAD);
            for (int p = 0; p < side * side; p++) {
                int v = Math.round(Math.max(0f, Math.min(1f, px[i * side * side + p])) * 255);
                if (marked == null) {
                    raster.setSample(x0 + p % side, y0 + p / side, 0, v);
                } else {
                    img.setRGB(x0 + p % side, y0 + p / side, (v << 16) | (v << 8) | v);
                }
            }
        }
        return img;
    }

    /** Interleaves originals and reconstructions: a row of originals, then the row of their reconstructions. */
    public static void writeComparison(INDArray originals, INDArray reconstructions, int cols, Path file)
            throws IOException {
        write(interleave(originals, reconstructions, cols), cols, file);
    }

    private static INDArray interleave(INDArray originals, INDArray reconstructions, int cols) {
        int n = (int) originals.size(0);
        INDArray both = org.nd4j.linalg.factory.Nd4j.create(originals.dataType(), 2L * n, originals.size(1));
        int out = 0;
        for (int start = 0; start < n; start += cols) {
            int end = Math.min(n, start + cols);
            for (int i = start; i < end; i++) {
                both.putRow(out++, originals.getRow(i));
            }
            for (int i = start; i < end; i++) {
                both.putRow(out++, reconstructions.getRow(i));
            }
        }
        return both;
    }

    static void writeAtomically(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
