package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link ConvolutionLayer} (same configuration, same parameters: "W" [outChannels, inChannels, kH, kW] and
 * "b" [1, outChannels], same initialization, same output) computed as one im2col into a contiguous array and one
 * GEMM per forward pass ({@link GemmConvolution2DLayer}). DL4J's layer writes im2col into a permuted view, which
 * dominated conv-mnist's training profile on the 2-core reference machine once the transposed convolutions were
 * replaced, and repeats its forward pass in backprop (docs/benchmarks.md). NCHW, no dilation, truncate mode only.
 */
public class GemmConvolution2D extends ConvolutionLayer {

    /** For JSON deserialization; use {@link Builder}. */
    public GemmConvolution2D() {
    }

    private GemmConvolution2D(Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GemmConvolution2D", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new GemmConvolution2DLayer(conf, networkDataType), conf, initializer(),
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /** Builder in DL4J style: {@code new GemmConvolution2D.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(32)}. */
    public static class Builder extends ConvolutionLayer.Builder {
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        @Override
        @SuppressWarnings("unchecked")
        public GemmConvolution2D build() {
            return new GemmConvolution2D(this);
        }
    }
}
