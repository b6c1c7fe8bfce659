package io.github.vae4j.engine;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * A fully connected layer out = activation(in·W + b) with DL4J's DenseLayer parameters (keys "W" [nIn, nOut] and
 * "b" [1, nOut], same initialization), implemented for training speed ({@link GemmDenseLayerImpl}): each product
 * is one GEMM into a workspace or gradient-view array, and the forward pre-activation is kept for backprop instead
 * of being recomputed. DL4J's DenseLayer computes the forward product twice per step (once more in backprop) and
 * forms the input gradient through {@code mmul} of transposed views.
 */
public class GemmDenseLayer extends FeedForwardLayer {

    private boolean inputGradient = true;

    public GemmDenseLayer() {
    }

    private GemmDenseLayer(Builder builder) {
        super(builder);
        this.inputGradient = builder.inputGradient;
        initializeConstraints(builder);
    }

    /**
     * Whether backprop computes dL/dinput. False for a layer fed by the network's input, whose input gradient
     * nobody reads: backprop then returns no epsilon (as DL4J's EmbeddingLayer does) and saves a GEMM of the
     * layer's full size.
     */
    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GemmDenseLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new GemmDenseLayerImpl(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        // Kept from forward to backward: the pre-activation (nOut per example).
        return new LayerMemoryReport.Builder(layerName, GemmDenseLayer.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 0, 0, getNOut() + getNIn())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public String toString() {
        return "GemmDenseLayer(name=" + getLayerName() + ", nIn=" + getNIn() + ", nOut=" + getNOut() + ", activation="
                + getActivationFn() + ", inputGradient=" + inputGradient + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GemmDenseLayer other && super.equals(o) && inputGradient == other.inputGradient;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputGradient);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private boolean inputGradient = true;

        /** See {@link GemmDenseLayer#isInputGradient()}; default true. */
        public Builder inputGradient(boolean inputGradient) {
            this.inputGradient = inputGradient;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public GemmDenseLayer build() {
            return new GemmDenseLayer(this);
        }
    }
}
