package io.github.vae4j.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTest {

    /** op(A) m×k, op(B) k×n, in the given storage orders, against Nd4j.gemm into an identical C. */
    private static void check(DataType t, int m, int n, int k, boolean ta, boolean tb, char oa, char ob, char oc,
            double alpha, double beta, double tol) {
        Nd4j.getRandom().setSeed(m * 31L + n * 7L + k);
        INDArray a = Nd4j.rand(t, oa, ta ? k : m, ta ? m : k).subi(0.5);
        INDArray b = Nd4j.rand(t, ob, tb ? n : k, tb ? k : n).subi(0.5);
        INDArray c0 = Nd4j.rand(t, oc, m, n);
        INDArray expected = c0.dup(oc);
        INDArray actual = c0.dup(oc);
        Nd4j.gemm(a, b, expected, ta, tb, alpha, beta);
        Gemm.gemm(a, b, actual, ta, tb, alpha, beta);
        String what = t + " " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " " + oa + ob + oc;
        assertTrue(expected.equalsWithEps(actual, tol), what + ": max diff "
                + Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(expected.sub(actual))).getDouble(0));
    }

    @Test
    void everyTransposeAndLayoutMatchesNd4j() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = t == DataType.FLOAT ? 1e-4 : 1e-12;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (char oa : new char[] {'f', 'c'}) {
                        for (char ob : new char[] {'f', 'c'}) {
                            // small (one block) and large enough to be split over threads
                            for (char oc : new char[] {'f', 'c'}) {
                                check(t, 7, 5, 3, ta, tb, oa, ob, oc, 1.0, 0.0, tol);
                                check(t, 128, 400, 96, ta, tb, oa, ob, oc, 0.5, 1.0, tol);
                            }
                        }
                    }
                }
            }
            // vectors
            check(t, 1, 300, 200, false, false, 'f', 'f', 'f', 1.0, 0.0, tol);
            check(t, 300, 1, 200, false, false, 'f', 'f', 'f', 1.0, 0.0, tol);
        }
    }

    @Test
    void viewsAtAnOffsetAndWithALeadingDimension() {
        // parameter views inside one flat array, as DL4J lays out W and b; and a column range of an 'f' matrix
        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, 100 + 784 * 400 + 400);
        INDArray w = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(100, 100 + 784 * 400)).reshape('f', 784, 400);
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 256, 784);
        INDArray xRows = x.get(NDArrayIndex.interval(64, 192), NDArrayIndex.all()); // strided rows of an 'f' array
        INDArray out = Nd4j.create(DataType.FLOAT, new long[] {128, 400}, 'f');
        INDArray big = Nd4j.create(DataType.FLOAT, new long[] {128, 900}, 'f');
        INDArray outView = big.get(NDArrayIndex.all(), NDArrayIndex.interval(300, 700));
        Gemm.gemm(xRows, w, out, false, false, 1.0, 0.0);
        Gemm.gemm(xRows, w, outView, false, false, 1.0, 0.0);
        INDArray expected = Nd4j.gemm(xRows.dup('f'), w.dup('f'), false, false);
        assertTrue(expected.equalsWithEps(out, 1e-3));
        assertTrue(expected.equalsWithEps(outView, 1e-3));
        assertEquals(0.0, big.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 300)).sumNumber().doubleValue());
        assertEquals(0.0, big.get(NDArrayIndex.all(), NDArrayIndex.interval(700, 900)).sumNumber().doubleValue());
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        // the blocks are fixed; whether the workers or the caller alone compute them, the bits are the same. A product
        // started inside a parallel run finds the workers busy and runs every block on its own thread.
        INDArray a = Nd4j.rand(DataType.FLOAT, 'f', 128, 784);
        INDArray b = Nd4j.rand(DataType.FLOAT, 'f', 784, 400);
        INDArray parallel = Nd4j.create(DataType.FLOAT, new long[] {128, 400}, 'f');
        Gemm.gemm(a, b, parallel, false, false, 1.0, 0.0);
        INDArray serial = Nd4j.create(DataType.FLOAT, new long[] {128, 400}, 'f');
        io.github.vae4j.util.SpinningWorkers.shared().run(2, part -> {
            if (part == 0) {
                Gemm.gemm(a, b, serial, false, false, 1.0, 0.0);
            }
        });
        assertEquals(parallel, serial);
        for (int i = 0; i < 10; i++) {
            INDArray again = Nd4j.create(DataType.FLOAT, new long[] {128, 400}, 'f');
            Gemm.gemm(a, b, again, false, false, 1.0, 0.0);
            assertEquals(parallel, again);
        }
    }

    @Test
    void rowMajorProductsAtAnOffset() {
        // example 2 of a batch of row-major matrices, as the convolution layers address them
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray w = Nd4j.rand(t, 6, 5);
            INDArray x = Nd4j.rand(t, 4, 5, 7);
            INDArray out = Nd4j.rand(t, 4, 6, 7);
            INDArray before = out.dup();
            Gemm.rowMajor(w, 0, false, x, 2 * 35, false, out, 2 * 42, 6, 7, 5, 1.0, 0.0);
            INDArray expected = Nd4j.gemm(w, x.slice(2), false, false);
            assertTrue(expected.equalsWithEps(out.slice(2), 1e-5), t.toString());
            assertEquals(before.slice(1), out.slice(1));
            assertEquals(before.slice(3), out.slice(3));
            // transposed operands and accumulation: acc += ½ · x_1 · out_1ᵀ; c2 = wᵀ · out_1
            INDArray acc = Nd4j.rand(t, 5, 6);
            INDArray accExpected = acc.add(Nd4j.gemm(x.slice(1), out.slice(1), false, true).mul(0.5));
            Gemm.rowMajor(x, 35, false, out, 42, true, acc, 0, 5, 6, 7, 0.5, 1.0);
            assertTrue(accExpected.equalsWithEps(acc, 1e-5), t + " transposed B");
            INDArray c2 = Nd4j.create(t, 5, 7);
            Gemm.rowMajor(w, 0, true, out, 42, false, c2, 0, 5, 7, 6, 1.0, 0.0);
            assertTrue(Nd4j.gemm(w, out.slice(1), true, false).equalsWithEps(c2, 1e-5), t + " transposed A");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Gemm.rowMajor(Nd4j.rand(DataType.FLOAT, 'f', 3, 3), 0,
                false, Nd4j.rand(DataType.FLOAT, 3, 3), 0, false, Nd4j.rand(DataType.FLOAT, 3, 3), 0, 3, 3, 3, 1, 0));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
    }

    @Test
    void shapesThatDoNotFitFailNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(Nd4j.create(DataType.FLOAT, 3, 4),
                Nd4j.create(DataType.FLOAT, 5, 6), Nd4j.create(DataType.FLOAT, new long[] {3, 6}, 'f'), false, false, 1, 0));
        assertTrue(e.getMessage().contains("op(A) 3x4, op(B) 5x6"), e.getMessage());
    }
}
