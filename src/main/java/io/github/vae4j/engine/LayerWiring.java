package io.github.vae4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** The part of {@code Layer.instantiate} every vae4j layer configuration shares: wiring a new runtime layer up. */
public final class LayerWiring {

    private LayerWiring() {
    }

    /** Sets listeners, index, parameter view and parameter table (initialized or not) on {@code layer}. */
    public static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, ParamInitializer initializer,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
