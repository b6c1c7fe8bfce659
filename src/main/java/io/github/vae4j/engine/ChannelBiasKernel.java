package io.github.vae4j.engine;

import io.github.vae4j.util.SpinningWorkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The element-wise parts of a convolution layer with a plain ReLU or identity activation, over contiguous 'c'-order
 * [n, C, h, w] arrays (each channel of each example a contiguous block of h·w values), as Java passes:
 * <ul>
 *   <li>forward: z ← z + b_c per channel, pre ← z, z ← relu(z);</li>
 *   <li>backward: δ ← ε ⊙ relu′(pre), and the bias gradient db_c = Σ over examples and pixels of δ.</li>
 * </ul>
 * What {@link BiasActivationKernel} is for dense layers: each pass replaces ND4J's broadcast add, activation, copy,
 * activation backprop and sum ops, which ran on one thread and took about a fifth of a conv-mnist step. Examples are
 * split over the shared worker threads; the bias gradient is summed in {@value GemmConvolutionBase#GRADIENT_CHUNKS}
 * fixed example chunks, so its value does not depend on the thread count. Tested against the ND4J ops in
 * {@code ChannelBiasKernelTest}.
 */
final class ChannelBiasKernel {

    private ChannelBiasKernel() {
    }

    /** Whether the arrays are contiguous 'c'-order 4-d arrays of the same FLOAT or DOUBLE type and shape. */
    static boolean applies(INDArray first, INDArray... more) {
        DataType t = first.dataType();
        if ((t != DataType.FLOAT && t != DataType.DOUBLE) || !contiguous4d(first)) {
            return false;
        }
        for (INDArray a : more) {
            if (a.dataType() != t || !contiguous4d(a) || !java.util.Arrays.equals(a.shape(), first.shape())) {
                return false;
            }
        }
        return true;
    }

    private static boolean contiguous4d(INDArray a) {
        return a.rank() == 4 && a.ordering() == 'c' && a.elementWiseStride() == 1;
    }

    /** z ← z + b per channel (b may be null: no bias); pre ← z when not null; z ← relu(z) when {@code relu}. */
    static void forward(INDArray z, INDArray bias, INDArray pre, boolean relu) {
        int n = (int) z.size(0);
        int channels = (int) z.size(1);
        int pixels = (int) (z.size(2) * z.size(3));
        double[] b = bias == null ? new double[channels] : bias.toDoubleVector();
        // NIO views made once: absolute get/put leave them unchanged, so the threads share them
        boolean isFloat = z.dataType() == DataType.FLOAT;
        FloatBuffer zf = isFloat ? floatBuffer(z) : null;
        FloatBuffer pf = isFloat && pre != null ? floatBuffer(pre) : null;
        DoubleBuffer zd = isFloat ? null : doubleBuffer(z);
        DoubleBuffer pd = !isFloat && pre != null ? doubleBuffer(pre) : null;
        GemmConvolutionBase.forEachExample(n, i -> {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * pixels;
                if (isFloat) {
                    float[] v = floats(pixels);
                    FloatBuffer zb = zf;
                    zb.get(at, v, 0, pixels);
                    float bc = (float) b[c];
                    for (int j = 0; j < pixels; j++) {
                        v[j] += bc;
                    }
                    if (pf != null) {
                        pf.put(at, v, 0, pixels);
                    }
                    if (relu) {
                        for (int j = 0; j < pixels; j++) {
                            v[j] = Math.max(v[j], 0f);
                        }
                    }
                    zb.put(at, v, 0, pixels);
                } else {
                    double[] v = doubles(pixels);
                    DoubleBuffer zb = zd;
                    zb.get(at, v, 0, pixels);
                    for (int j = 0; j < pixels; j++) {
                        v[j] += b[c];
                    }
                    if (pd != null) {
                        pd.put(at, v, 0, pixels);
                    }
                    if (relu) {
                        for (int j = 0; j < pixels; j++) {
                            v[j] = Math.max(v[j], 0.0);
                        }
                    }
                    zb.put(at, v, 0, pixels);
                }
            }
        });
    }

    /**
     * delta ← ε ⊙ relu′(pre) (ε for identity); returns db per channel (Σ over examples and pixels of delta), summed
     * in fixed example chunks.
     */
    static double[] backward(INDArray pre, INDArray epsilon, INDArray delta, boolean relu) {
        int n = (int) pre.size(0);
        int channels = (int) pre.size(1);
        int pixels = (int) (pre.size(2) * pre.size(3));
        int chunks = Math.max(1, Math.min(n, GemmConvolutionBase.GRADIENT_CHUNKS));
        double[][] partial = new double[chunks][channels];
        boolean isFloat = pre.dataType() == DataType.FLOAT;
        FloatBuffer[] f = isFloat ? new FloatBuffer[] {floatBuffer(pre), floatBuffer(epsilon), floatBuffer(delta)} : null;
        DoubleBuffer[] dd = isFloat ? null : new DoubleBuffer[] {doubleBuffer(pre), doubleBuffer(epsilon), doubleBuffer(delta)};
        SpinningWorkers.shared().run(chunks, j -> {
            for (int i = (int) ((long) j * n / chunks); i < (long) (j + 1) * n / chunks; i++) {
                for (int c = 0; c < channels; c++) {
                    int at = (i * channels + c) * pixels;
                    double sum = 0;
                    if (isFloat) {
                        float[] z = floats(2 * pixels);
                        f[0].get(at, z, 0, pixels);
                        f[1].get(at, z, pixels, pixels);
                        if (relu) {
                            for (int k = 0; k < pixels; k++) {
                                z[k] = z[pixels + k] * BiasActivationKernel.reluStep(z[k]);
                            }
                        } else {
                            System.arraycopy(z, pixels, z, 0, pixels);
                        }
                        for (int k = 0; k < pixels; k++) {
                            sum += z[k];
                        }
                        f[2].put(at, z, 0, pixels);
                    } else {
                        double[] z = doubles(2 * pixels);
                        dd[0].get(at, z, 0, pixels);
                        dd[1].get(at, z, pixels, pixels);
                        if (relu) {
                            for (int k = 0; k < pixels; k++) {
                                z[k] = z[pixels + k] * BiasActivationKernel.reluStep(z[k]);
                            }
                        } else {
                            System.arraycopy(z, pixels, z, 0, pixels);
                        }
                        for (int k = 0; k < pixels; k++) {
                            sum += z[k];
                        }
                        dd[2].put(at, z, 0, pixels);
                    }
                    partial[j][c] += sum;
                }
            }
        });
        double[] db = new double[channels];
        for (double[] p : partial) {
            for (int c = 0; c < channels; c++) {
                db[c] += p[c];
            }
        }
        return db;
    }

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[1][0]);

    private static float[] floats(int size) {
        float[][] b = FLOATS.get();
        if (b[0].length < size) {
            b[0] = new float[size];
        }
        return b[0];
    }

    private static double[] doubles(int size) {
        double[][] b = DOUBLES.get();
        if (b[0].length < size) {
            b[0] = new double[size];
        }
        return b[0];
    }

    private static FloatBuffer floatBuffer(INDArray a) {
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    private static DoubleBuffer doubleBuffer(INDArray a) {
        return a.data().asNioDouble().position((int) a.offset()).slice();
    }
}
