package io.github.vae4j.engine;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The sizes of one (transposed) convolution on one minibatch, for the GEMM-backed layers: NCHW, square kernel,
 * equal strides and paddings, no dilation, truncate mode.
 *
 * @param n    minibatch
 * @param inC  input channels
 * @param h    input height
 * @param w    input width
 * @param outC output channels
 * @param k    kernel side
 * @param s    stride
 * @param p    padding
 * @param outH output height
 * @param outW output width
 */
record ConvShapes(int n, int inC, int h, int w, int outC, int k, int s, int p, int outH, int outW) {

    /** A convolution: out = ⌊(in + 2p − k)/s⌋ + 1. */
    static ConvShapes convolution(ConvolutionLayer c, INDArray x, String layer) {
        int[] kps = check(c, x, layer);
        int h = Math.toIntExact(x.size(2));
        int w = Math.toIntExact(x.size(3));
        return new ConvShapes(Math.toIntExact(x.size(0)), kps[3], h, w, kps[4], kps[0], kps[1], kps[2],
                (h + 2 * kps[2] - kps[0]) / kps[1] + 1, (w + 2 * kps[2] - kps[0]) / kps[1] + 1);
    }

    /** A transposed convolution: out = (in − 1)·s + k − 2p. */
    static ConvShapes transposed(ConvolutionLayer c, INDArray x, String layer) {
        int[] kps = check(c, x, layer);
        int h = Math.toIntExact(x.size(2));
        int w = Math.toIntExact(x.size(3));
        return new ConvShapes(Math.toIntExact(x.size(0)), kps[3], h, w, kps[4], kps[0], kps[1], kps[2],
                (h - 1) * kps[1] + kps[0] - 2 * kps[2], (w - 1) * kps[1] + kps[0] - 2 * kps[2]);
    }

    /** Columns of the input image per channel block: n·h·w. */
    long inputPixels() {
        return (long) n * h * w;
    }

    /** n·outH·outW. */
    long outputPixels() {
        return (long) n * outH * outW;
    }

    private static int[] check(ConvolutionLayer c, INDArray x, String layer) {
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || c.getConvolutionMode() == ConvolutionMode.Same
                || c.getDilation()[0] != 1 || c.getDilation()[1] != 1 || c.getKernelSize()[0] != c.getKernelSize()[1]
                || c.getStride()[0] != c.getStride()[1] || c.getPadding()[0] != c.getPadding()[1]) {
            throw new IllegalStateException(layer + " supports NCHW, square kernels, equal strides and paddings, no "
                    + "dilation, truncate mode; got " + c);
        }
        int inC = Math.toIntExact(c.getNIn());
        if (x.rank() != 4 || x.size(1) != inC) {
            throw new DL4JInvalidInputException(layer + " expects input [minibatch, " + inC + ", height, width], got "
                    + Arrays.toString(x.shape()));
        }
        return new int[] {c.getKernelSize()[0], c.getStride()[0], c.getPadding()[0], inC, Math.toIntExact(c.getNOut())};
    }
}
