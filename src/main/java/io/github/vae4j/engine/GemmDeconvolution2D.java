package io.github.vae4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link Deconvolution2D} (same configuration, same parameters: "W" [inChannels, outChannels, kH, kW] and
 * "b" [1, outChannels], same initialization, same output) computed as one GEMM and one col2im per forward pass
 * ({@link GemmDeconvolution2DLayer}). DL4J's layer calls libnd4j's {@code deconv2d} op, which dominated conv-mnist's
 * training profile on the 2-core reference machine, and runs it twice per training step (forward, and again in
 * backprop); the conv-mnist rows of docs/benchmarks.md compare the two. NCHW, no dilation, truncate mode only.
 */
public class GemmDeconvolution2D extends Deconvolution2D {

    /** For JSON deserialization; use {@link Builder}. */
    public GemmDeconvolution2D() {
    }

    private GemmDeconvolution2D(Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GemmDeconvolution2D", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new GemmDeconvolution2DLayer(conf, networkDataType), conf, initializer(),
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /** Builder in DL4J style: {@code new GemmDeconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(32)}. */
    public static class Builder extends Deconvolution2D.Builder {
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        @Override
        @SuppressWarnings("unchecked")
        public GemmDeconvolution2D build() {
            return new GemmDeconvolution2D(this);
        }
    }
}
