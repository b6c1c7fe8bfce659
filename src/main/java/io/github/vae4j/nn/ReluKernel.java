package io.github.vae4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * ReLU backprop, δ = ε ⊙ [pre &gt; 0], written over the pre-activation, as a chunked Java loop over the native
 * buffers (chunks copied to Java arrays, where HotSpot vectorizes the loop).
 */
final class ReluKernel {

    private static final int CHUNK = 4096;

    /** Per-thread chunk buffers, so the kernel allocates nothing per call (garbage here costs GC pauses). */
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[2][CHUNK]);
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[2][CHUNK]);

    private ReluKernel() {
    }

    /** Whether both arrays are FLOAT or DOUBLE alike, contiguous and in the same memory order. */
    static boolean applies(INDArray pre, INDArray epsilon) {
        return pre.dataType() == epsilon.dataType()
                && (pre.dataType() == DataType.FLOAT || pre.dataType() == DataType.DOUBLE)
                && pre.ordering() == epsilon.ordering() && pre.elementWiseStride() == 1
                && epsilon.elementWiseStride() == 1 && pre.length() == epsilon.length()
                && java.util.Arrays.equals(pre.shape(), epsilon.shape());
    }

    /** pre ← ε where pre &gt; 0, else 0; requires {@link #applies}. */
    static void backprop(INDArray pre, INDArray epsilon) {
        int n = Math.toIntExact(pre.length());
        int po = Math.toIntExact(pre.offset());
        int eo = Math.toIntExact(epsilon.offset());
        if (pre.dataType() == DataType.FLOAT) {
            FloatBuffer p = pre.data().asNioFloat();
            FloatBuffer e = epsilon.data().asNioFloat();
            float[][] buf = FLOATS.get();
            float[] pa = buf[0];
            float[] ea = buf[1];
            for (int s = 0; s < n; s += CHUNK) {
                int len = Math.min(CHUNK, n - s);
                p.get(po + s, pa, 0, len);
                e.get(eo + s, ea, 0, len);
                for (int i = 0; i < len; i++) {
                    pa[i] = pa[i] > 0 ? ea[i] : 0f;
                }
                p.put(po + s, pa, 0, len);
            }
        } else {
            DoubleBuffer p = pre.data().asNioDouble();
            DoubleBuffer e = epsilon.data().asNioDouble();
            double[][] buf = DOUBLES.get();
            double[] pa = buf[0];
            double[] ea = buf[1];
            for (int s = 0; s < n; s += CHUNK) {
                int len = Math.min(CHUNK, n - s);
                p.get(po + s, pa, 0, len);
                e.get(eo + s, ea, 0, len);
                for (int i = 0; i < len; i++) {
                    pa[i] = pa[i] > 0 ? ea[i] : 0.0;
                }
                p.put(po + s, pa, 0, len);
            }
        }
    }
}
