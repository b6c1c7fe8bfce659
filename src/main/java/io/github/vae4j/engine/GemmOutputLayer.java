package io.github.vae4j.engine;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.Collection;

/**
 * An output layer with DL4J's OutputLayer parameters ("W", "b") and any {@link ILossFunction}, implemented for
 * training speed ({@link GemmOutputLayerImpl}): one GEMM for the pre-activation per step, shared by the gradient and
 * the score (DL4J's OutputLayer computes it once for backprop and again for the score), and the input gradient as
 * one GEMM instead of an {@code mmul} of transposed views.
 */
public class GemmOutputLayer extends BaseOutputLayer {

    public GemmOutputLayer() {
    }

    private GemmOutputLayer(Builder builder) {
        super(builder);
        initializeConstraints(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GemmOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new GemmOutputLayerImpl(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    @Override
    public String toString() {
        return "GemmOutputLayer(name=" + getLayerName() + ", nIn=" + getNIn() + ", nOut=" + getNOut() + ", loss="
                + getLossFn() + ", activation=" + getActivationFn() + ")";
    }

    public static class Builder extends BaseOutputLayer.Builder<Builder> {

        public Builder(ILossFunction loss) {
            setLossFn(loss);
        }

        @Override
        @SuppressWarnings("unchecked")
        public GemmOutputLayer build() {
            return new GemmOutputLayer(this);
        }
    }
}
