package io.github.vae4j.nn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of {@link VariationalLayer}: the two Gaussian heads μ = hW_μ + b_μ and log σ² = hW_σ + b_σ.
 *
 * <p>Flat layout (column-major, as DL4J stores weights): {@code [Wmu | WlogVar | bmu | blogVar]} (DL4J reserves '_' in parameter keys). Because
 * W_μ and W_σ are adjacent column blocks, the first {@code 2·nIn·nOut} entries are also the fused matrix
 * {@code [W_μ | W_σ]} of shape [nIn, 2·nOut], which lets the layer compute both heads with one GEMM.
 */
public final class VariationalParamInitializer implements ParamInitializer {

    public static final String WEIGHT_MU = "Wmu";
    public static final String WEIGHT_LOGVAR = "WlogVar";
    public static final String BIAS_MU = "bmu";
    public static final String BIAS_LOGVAR = "blogVar";

    private static final VariationalParamInitializer INSTANCE = new VariationalParamInitializer();
    private static final List<String> KEYS = List.of(WEIGHT_MU, WEIGHT_LOGVAR, BIAS_MU, BIAS_LOGVAR);

    public static VariationalParamInitializer getInstance() {
        return INSTANCE;
    }

    private VariationalParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        VariationalLayer l = (VariationalLayer) layer;
        return 2 * l.getNIn() * l.getNOut() + 2 * l.getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT_MU, WEIGHT_LOGVAR);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS_MU, BIAS_LOGVAR);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_MU.equals(key) || WEIGHT_LOGVAR.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_MU.equals(key) || BIAS_LOGVAR.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        VariationalLayer layer = (VariationalLayer) conf.getLayer();
        Map<String, INDArray> views = views(layer, paramsView);
        if (initializeParams) {
            long nIn = layer.getNIn();
            long nOut = layer.getNOut();
            IWeightInit init = layer.getWeightInitFn();
            for (String w : weightKeys(layer)) {
                init.init(nIn, nOut, new long[] {nIn, nOut}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, views.get(w));
            }
            views.get(BIAS_MU).assign(layer.getBiasInit());
            views.get(BIAS_LOGVAR).assign(layer.getBiasInit());
        }
        for (String key : KEYS) {
            conf.addVariable(key);
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((VariationalLayer) conf.getLayer(), gradientView);
    }

    /** The fused weight matrix [W_μ | W_σ], shape [nIn, 2·nOut], as a view of the flat parameter (or gradient) array. */
    static INDArray fusedWeights(VariationalLayer layer, INDArray flat) {
        long nIn = layer.getNIn();
        long nOut = layer.getNOut();
        return WeightInitUtil.reshapeWeights(new long[] {nIn, 2 * nOut}, segment(flat, 0, 2 * nIn * nOut));
    }

    /** The fused bias [b_μ | b_σ], length 2·nOut, as a view of the flat parameter (or gradient) array. */
    static INDArray fusedBias(VariationalLayer layer, INDArray flat) {
        long w = 2 * layer.getNIn() * layer.getNOut();
        return segment(flat, w, w + 2 * layer.getNOut());
    }

    private static Map<String, INDArray> views(VariationalLayer layer, INDArray flat) {
        long expected = 2 * layer.getNIn() * layer.getNOut() + 2 * layer.getNOut();
        if (flat.length() != expected) {
            throw new IllegalStateException("VariationalLayer '" + layer.getLayerName() + "' expects a parameter view of length "
                    + expected + ", got " + flat.length());
        }
        long nIn = layer.getNIn();
        long nOut = layer.getNOut();
        long w = nIn * nOut;
        long[] shape = {nIn, nOut};
        Map<String, INDArray> out = Collections.synchronizedMap(new LinkedHashMap<>());
        out.put(WEIGHT_MU, WeightInitUtil.reshapeWeights(shape, segment(flat, 0, w)));
        out.put(WEIGHT_LOGVAR, WeightInitUtil.reshapeWeights(shape, segment(flat, w, 2 * w)));
        out.put(BIAS_MU, segment(flat, 2 * w, 2 * w + nOut));
        out.put(BIAS_LOGVAR, segment(flat, 2 * w + nOut, 2 * w + 2 * nOut));
        return out;
    }

    private static INDArray segment(INDArray flat, long from, long to) {
        return flat.reshape(flat.length()).get(NDArrayIndex.interval(from, to));
    }
}
