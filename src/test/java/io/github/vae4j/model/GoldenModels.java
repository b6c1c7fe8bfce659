package io.github.vae4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.data.DataSets;
import io.github.vae4j.data.DataSplit;
import io.github.vae4j.train.VaeTrainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the golden models of {@code ModelCompatibilityTest} (src/test/resources/golden) and their expected outputs.
 * Run once when the model format changes on purpose, never by the build:
 * {@code java -cp target/classes:target/test-classes:target/lib/* io.github.vae4j.model.GoldenModels DIR}.
 * (The format-1 golden model was written by vae4j 0.1, commit f417395: {@code ./vae4j train --encoder 16 --decoder 16
 * --latent 4 --epochs 1 --max-batches 3 --no-images}.)
 */
public final class GoldenModels {

    /** Small conv and MLP configs: every layer class a vae4j model file names. */
    static final Map<String, String> CONFIGS = Map.of(
            "v2-conv", "{\"inputShape\": [1, 28, 28], \"encoder\": [{\"type\": \"conv\", \"filters\": 4, \"kernel\": 3,"
                    + " \"stride\": 2, \"padding\": 1}, {\"type\": \"dense\", \"width\": 16}], \"latentSize\": 3,"
                    + " \"decoder\": [{\"type\": \"dense\", \"width\": 196}, {\"type\": \"reshape\", \"channels\": 4,"
                    + " \"height\": 7, \"width\": 7}, {\"type\": \"deconv\", \"filters\": 4, \"kernel\": 4, \"stride\": 2,"
                    + " \"padding\": 1}], \"outputHead\": {\"type\": \"deconv\", \"kernel\": 4, \"stride\": 2,"
                    + " \"padding\": 1}, \"seed\": 5}",
            "v2-mlp", "{\"inputShape\": [784], \"encoder\": [{\"type\": \"dense\", \"width\": 16}], \"latentSize\": 3,"
                    + " \"decoder\": [{\"type\": \"dense\", \"width\": 16}], \"seed\": 5}");

    private GoldenModels() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DataSplit data = DataSets.mnist10k();
        for (Map.Entry<String, String> e : CONFIGS.entrySet()) {
            VaeConfig c = VaeConfig.fromJson(e.getValue()).withOverrides(Map.of("epochs", 1));
            Path out = Files.createTempDirectory("golden");
            VaeModel m = new VaeTrainer(c, new VaeTrainer.Options(out, 3, false, false, false)).train(data).model();
            m.save(dir.resolve(e.getKey() + ".zip"));
            Files.writeString(dir.resolve(e.getKey() + "-expected.json"), expected(VaeModel.load(dir.resolve(e.getKey() + ".zip")), data));
        }
    }

    /** What the test compares: μ, log σ², reconstructions and log p(x|μ) of the first three test images. */
    static String expected(VaeModel m, DataSplit data) throws Exception {
        INDArray x = data.testX().get(NDArrayIndex.interval(0, 3), NDArrayIndex.all());
        Posterior q = m.encode(x);
        INDArray r = m.reconstruct(x);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("testRows", 3);
        out.put("mu", rows(q.mu()));
        out.put("logVar", rows(q.logVar()));
        out.put("reconstructionFirst8", rows(r.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 8))));
        out.put("reconstructionRowSums", rows(r.sum(true, 1).reshape(3, 1)));
        out.put("logPxGivenMu", rows(m.reconstructionLogLikelihood(x, q.mu()).reshape(3, 1)));
        return new ObjectMapper().writeValueAsString(out);
    }

    static double[][] rows(INDArray a) {
        INDArray d = a.castTo(DataType.DOUBLE);
        double[][] out = new double[(int) d.size(0)][(int) d.size(1)];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = d.getDouble(i, j);
            }
        }
        return out;
    }
}
