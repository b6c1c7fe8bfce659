package io.github.vae4j.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;

import java.nio.FloatBuffer;

/**
 * im2col and col2im as ND4J's {@code Convolution.im2col}/{@code col2im} compute them, for what vae4j's conv blocks use:
 * contiguous 'c'-order images [n, C, H, W] and patches [n, C, k, k, oh, ow], square kernel, stride and zero padding,
 * no dilation. Patch value (i, c, ky, kx, oy, ox) is image value (i, c, oy·s − p + ky, ox·s − p + kx), or 0 outside
 * the image; col2im adds every patch value back to that image position.
 *
 * <p>Why: ND4J's ops run on one thread here (one OpenMP thread is the faster setting for everything else,
 * docs/performance.md) and took 40% of a conv-mnist step in a profile. These passes copy each example into a Java
 * array, gather (im2col) or scatter-add (col2im) through a table of image indices computed once per geometry, and copy
 * back, with the examples split over the shared worker threads. Only FLOAT (training and evaluation) runs here. {@code Im2ColTest} checks
 * both against ND4J's ops.
 */
final class Im2Col {

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[2][0]);

    private Im2Col() {
    }

    /**
     * patches ← im2col(x): x [n, C, H, W], patches [n, C, k, k, oh, ow], both contiguous 'c' order. DOUBLE arrays (the
     * gradient checks) go to ND4J's op, the definition this pass is tested against.
     */
    static void im2col(INDArray x, int k, int s, int p, INDArray patches) {
        Geometry g = Geometry.of(x, patches, k);
        check(x, patches);
        if (x.dataType() == DataType.DOUBLE) {
            Convolution.im2col(x, k, k, s, s, p, p, 1, 1, false, patches);
            return;
        }
        int[] source = g.sources(s, p);
        // NIO views made once: absolute get/put leave them unchanged, so the threads share them
        FloatBuffer xb = floatBuffer(x);
        FloatBuffer pb = floatBuffer(patches);
        GemmConvolutionBase.forEachExample(g.n, i -> {
            float[][] buf = floats(g.imageSize, g.patchSize);
            float[] img = buf[0];
            float[] col = buf[1];
            xb.get(i * g.imageSize, img, 0, g.imageSize);
            for (int j = 0; j < g.patchSize; j++) {
                col[j] = source[j] < 0 ? 0f : img[source[j]];
            }
            pb.put(i * g.patchSize, col, 0, g.patchSize);
        });
    }

    /**
     * image ← col2im(patches): every patch value added to its image position, the image overwritten. DOUBLE arrays go
     * to ND4J's op.
     */
    static void col2im(INDArray patches, int s, int p, INDArray image) {
        Geometry g = Geometry.of(image, patches, (int) patches.size(2));
        check(image, patches);
        if (image.dataType() == DataType.DOUBLE) {
            image.assign(0);
            Convolution.col2im(patches, image, s, s, p, p, g.height, g.width, 1, 1);
            return;
        }
        int[] source = g.sources(s, p);
        FloatBuffer ib = floatBuffer(image);
        FloatBuffer pb = floatBuffer(patches);
        GemmConvolutionBase.forEachExample(g.n, i -> {
            float[][] buf = floats(g.imageSize, g.patchSize);
            float[] img = buf[0];
            float[] col = buf[1];
            java.util.Arrays.fill(img, 0, g.imageSize, 0f);
            pb.get(i * g.patchSize, col, 0, g.patchSize);
            for (int j = 0; j < g.patchSize; j++) {
                if (source[j] >= 0) {
                    img[source[j]] += col[j];
                }
            }
            ib.put(i * g.imageSize, img, 0, g.imageSize);
        });
    }

    /** Index tables by geometry and stride/padding; few geometries occur, so the map stays small. */
    private static final java.util.Map<String, int[]> SOURCES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sizes of one example: the image [C, H, W] and its patches [C, k, k, oh, ow]. */
    private record Geometry(int n, int channels, int height, int width, int k, int outH, int outW, int imageSize,
                            int patchSize) {
        static Geometry of(INDArray image, INDArray patches, int k) {
            if (image.rank() != 4 || patches.rank() != 6 || image.size(0) != patches.size(0)
                    || image.size(1) != patches.size(1) || patches.size(2) != k || patches.size(3) != k) {
                throw new IllegalArgumentException("im2col needs images [n, C, H, W] and patches [n, C, k, k, oh, ow], got "
                        + java.util.Arrays.toString(image.shape()) + " and " + java.util.Arrays.toString(patches.shape()));
            }
            int c = (int) image.size(1);
            int h = (int) image.size(2);
            int w = (int) image.size(3);
            int oh = (int) patches.size(4);
            int ow = (int) patches.size(5);
            return new Geometry((int) image.size(0), c, h, w, k, oh, ow, c * h * w, c * k * k * oh * ow);
        }

        /**
         * For each patch value (c, ky, kx, oy, ox), in patch order, the index of its image value (c, oy·s − p + ky,
         * ox·s − p + kx) within one example's image, or −1 where that lies in the zero padding.
         */
        int[] sources(int s, int p) {
            String key = channels + "," + height + "," + width + "," + k + "," + outH + "," + outW + "," + s + "," + p;
            return SOURCES.computeIfAbsent(key, unused -> {
                int[] source = new int[patchSize];
                int idx = 0;
                for (int c = 0; c < channels; c++) {
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            for (int oy = 0; oy < outH; oy++) {
                                int iy = oy * s - p + ky;
                                for (int ox = 0; ox < outW; ox++) {
                                    int ix = ox * s - p + kx;
                                    boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                                    source[idx++] = inside ? (c * height + iy) * width + ix : -1;
                                }
                            }
                        }
                    }
                }
                return source;
            });
        }
    }

    private static void check(INDArray image, INDArray patches) {
        for (INDArray a : new INDArray[] {image, patches}) {
            if (a.ordering() != 'c' || a.elementWiseStride() != 1 || a.dataType() != image.dataType()
                    || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
                throw new IllegalArgumentException("im2col needs contiguous 'c'-order FLOAT or DOUBLE arrays of one type, got "
                        + a.shapeInfoToString());
            }
        }
    }

    private static float[][] floats(int imageSize, int patchSize) {
        float[][] b = FLOATS.get();
        if (b[0].length < imageSize) {
            b[0] = new float[imageSize];
        }
        if (b[1].length < patchSize) {
            b[1] = new float[patchSize];
        }
        return b;
    }

    /** The array's buffer from its first element (NIO buffers of a view start at the view's buffer base). */
    private static FloatBuffer floatBuffer(INDArray a) {
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

}
