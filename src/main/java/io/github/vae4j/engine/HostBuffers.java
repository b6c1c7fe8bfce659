package io.github.vae4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Copies between contiguous ND4J arrays and Java {@code double[]}, in buffer order ('f' order for the layers'
 * activations: element (r, j) of a [rows, cols] array at j·rows + r). For small element-wise kernels that run in
 * Java rather than as a chain of ND4J ops.
 */
public final class HostBuffers {

    private HostBuffers() {
    }

    /** Reads all of {@code a} (FLOAT or DOUBLE, unit stride) into {@code dst}, which has its length. */
    public static void read(INDArray a, double[] dst) {
        int n = checked(a, dst);
        int off = Math.toIntExact(a.offset());
        switch (a.dataType()) {
            case FLOAT -> {
                java.nio.FloatBuffer b = a.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    dst[i] = b.get(off + i);
                }
            }
            case DOUBLE -> a.data().asNioDouble().get(off, dst, 0, n);
            default -> throw unsupported(a);
        }
    }

    /** Writes {@code src} into all of {@code a} (FLOAT or DOUBLE, unit stride). */
    public static void write(double[] src, INDArray a) {
        int n = checked(a, src);
        int off = Math.toIntExact(a.offset());
        switch (a.dataType()) {
            case FLOAT -> {
                java.nio.FloatBuffer b = a.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    b.put(off + i, (float) src[i]);
                }
            }
            case DOUBLE -> a.data().asNioDouble().put(off, src, 0, n);
            default -> throw unsupported(a);
        }
    }

    private static int checked(INDArray a, double[] host) {
        if (a.length() != host.length || (a.length() > 1 && a.elementWiseStride() != 1)) {
            throw new IllegalArgumentException("expected a contiguous array of " + host.length + " values, got shape "
                    + Arrays.toString(a.shape()) + " with element stride " + a.elementWiseStride());
        }
        return host.length;
    }

    private static IllegalArgumentException unsupported(INDArray a) {
        return new IllegalArgumentException("FLOAT or DOUBLE arrays only, got " + a.dataType());
    }
}
