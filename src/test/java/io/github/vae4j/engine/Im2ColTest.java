package io.github.vae4j.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Java im2col/col2im against ND4J's ops, the definitions they replace. */
class Im2ColTest {

    @Test
    void im2colAndCol2imMatchNd4jForTheConvBlocksGeometries() {
        // {n, C, H, W, k, s, p}: conv-mnist's blocks and odd sizes
        int[][] cases = {{5, 1, 28, 28, 3, 2, 1}, {4, 32, 14, 14, 3, 2, 1}, {3, 32, 14, 14, 4, 2, 1}, {2, 3, 7, 9, 3, 1, 0},
                {3, 2, 6, 6, 4, 2, 1}, {1, 2, 5, 5, 5, 1, 2}};
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] c : cases) {
                int n = c[0], ch = c[1], h = c[2], w = c[3], k = c[4], s = c[5], p = c[6];
                int oh = (h + 2 * p - k) / s + 1;
                int ow = (w + 2 * p - k) / s + 1;
                INDArray x = Nd4j.rand(t, n, ch, h, w).subi(0.5);
                INDArray expected = Nd4j.create(t, new long[] {n, ch, k, k, oh, ow}, 'c');
                Convolution.im2col(x, k, k, s, s, p, p, 1, 1, false, expected);
                INDArray actual = Nd4j.createUninitialized(t, new long[] {n, ch, k, k, oh, ow}, 'c');
                Im2Col.im2col(x, k, s, p, actual);
                assertEquals(expected, actual, t + " im2col " + java.util.Arrays.toString(c));

                INDArray patches = Nd4j.rand(t, n, ch, k, k, oh, ow).subi(0.5);
                INDArray image = Nd4j.create(t, new long[] {n, ch, h, w}, 'c');
                Convolution.col2im(patches, image, s, s, p, p, h, w, 1, 1);
                INDArray mine = Nd4j.rand(t, n, ch, h, w); // overwritten, whatever it held
                Im2Col.col2im(patches, s, p, mine);
                double tol = t == DataType.FLOAT ? 1e-5 : 1e-12;
                assertEquals(0.0, image.sub(mine).amaxNumber().doubleValue(), tol, t + " col2im " + java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void rejectsArraysItDoesNotHandle() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 6, 6);
        INDArray patches = Nd4j.create(DataType.FLOAT, new long[] {2, 1, 3, 3, 4, 4}, 'c');
        var e = assertThrows(IllegalArgumentException.class, () -> Im2Col.im2col(x.permute(0, 1, 3, 2), 3, 1, 0, patches));
        assertEquals(true, e.getMessage().contains("contiguous"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Im2Col.im2col(x, 3, 1, 0,
                Nd4j.create(DataType.FLOAT, new long[] {2, 2, 3, 3, 4, 4}, 'c')));
    }
}
