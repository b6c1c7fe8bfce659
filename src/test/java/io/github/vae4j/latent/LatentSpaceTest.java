package io.github.vae4j.latent;

import io.github.vae4j.config.VaeConfig;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.nn.VariationalParamInitializer;
import io.github.vae4j.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latent-space toolkit against what its outputs must contain. */
class LatentSpaceTest {

    private static final VaeConfig SMALL = VaeConfig.defaults().withOverrides(Map.of(
            "inputShape", List.of(16), "encoder", TestData.dense(12), "latentSize", 4, "decoder", TestData.dense(12),
            "seed", 3));

    private static VaeModel trained(VaeConfig c, INDArray x) {
        VaeModel m = VaeModel.create(c, DataType.DOUBLE, null);
        for (int i = 0; i < 30; i++) {
            m.network().fit(new DataSet(x, x));
        }
        return m;
    }

    @Test
    void pathsStartAndEndAtTheTwoCodesAndSlerpKeepsTheNorm() {
        INDArray za = Nd4j.createFromArray(new double[][] {{3, 0, 0}});
        INDArray zb = Nd4j.createFromArray(new double[][] {{0, 3, 0}});
        for (LatentSpace.PathKind kind : LatentSpace.PathKind.values()) {
            INDArray p = LatentSpace.path(za, zb, 5, kind);
            assertEquals(za, p.getRow(0, true), kind.name());
            assertEquals(zb, p.getRow(4, true), kind.name());
        }
        INDArray slerp = LatentSpace.path(za, zb, 5, LatentSpace.PathKind.SLERP);
        INDArray lerp = LatentSpace.path(za, zb, 5, LatentSpace.PathKind.LINEAR);
        for (int s = 0; s < 5; s++) {
            assertEquals(3.0, slerp.getRow(s).norm2Number().doubleValue(), 1e-12, "slerp stays on the sphere, step " + s);
        }
        assertEquals(3 / Math.sqrt(2), lerp.getRow(2).norm2Number().doubleValue(), 1e-12, "the linear midpoint is shorter");
        // at 90 degrees the slerp midpoint is (cos 45°, sin 45°)·3
        assertEquals(3 / Math.sqrt(2), slerp.getDouble(2, 0), 1e-12);
    }

    @Test
    void interpolationDecodesTheTwoEncodingsAtItsEnds() {
        INDArray x = TestData.binary(20, 16, 5, DataType.DOUBLE);
        VaeModel m = trained(SMALL, x);
        LatentSpace space = new LatentSpace(m);
        INDArray xa = x.getRow(0, true);
        INDArray xb = x.getRow(1, true);
        for (LatentSpace.PathKind kind : LatentSpace.PathKind.values()) {
            INDArray path = space.interpolate(xa, 0, xb, 0, 6, kind);
            assertEquals(6, path.size(0));
            assertTrue(path.getRow(0, true).equalsWithEps(m.reconstruct(xa), 1e-9), kind + ": first = decode(mu(a))");
            assertTrue(path.getRow(5, true).equalsWithEps(m.reconstruct(xb), 1e-9), kind + ": last = decode(mu(b))");
            assertNotEquals(path.getRow(2, true), path.getRow(3, true));
        }
    }

    @Test
    void traversingAnInactiveDimensionChangesNothingAndIsMarked() {
        INDArray x = TestData.binary(40, 16, 5, DataType.DOUBLE);
        VaeModel m = trained(SMALL, x);
        // dimension 2 carries nothing: μ_2 does not depend on x, and the decoder does not read z_2
        var z = m.network().getLayer("z");
        z.getParam(VariationalParamInitializer.WEIGHT_MU).getColumn(2).assign(0);
        z.getParam(VariationalParamInitializer.BIAS_MU).reshape(-1).putScalar(2, 0.0);
        m.network().getLayer("dec0").getParam("W").getRow(2).assign(0);

        LatentSpace.Traversal t = new LatentSpace(m).traverse(x.getRow(0, true), 0, x, null, 7, 3.0);
        assertEquals(4 * 7, t.images().size(0));
        assertFalse(t.active()[2], "dimension 2 is inactive");
        assertTrue(t.active()[t.order()[0]], "the dimension with the largest KL is active");
        assertArrayEquals(new double[] {-3, -2, -1, 0, 1, 2, 3}, t.values(), 1e-12);
        for (int r = 0; r < 4; r++) {
            INDArray row = t.images().get(NDArrayIndex.interval(r * 7, r * 7 + 7), NDArrayIndex.all());
            double spread = row.max(0).sub(row.min(0)).maxNumber().doubleValue();
            if (t.order()[r] == 2) {
                assertEquals(0.0, spread, 1e-12, "the inactive dimension's row is one image seven times");
            } else if (t.active()[t.order()[r]]) {
                assertTrue(spread > 1e-4, "active dimension " + t.order()[r] + " changes the decoding");
            }
            if (r > 0) {
                assertTrue(t.kl()[t.order()[r - 1]] >= t.kl()[t.order()[r]], "rows sorted by KL");
            }
        }
    }

    @Test
    void embeddingsHoldTheCodesOfEveryExample(@TempDir Path dir) throws IOException {
        INDArray x = TestData.binary(12, 16, 5, DataType.DOUBLE);
        VaeModel m = trained(SMALL, x);
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        Path csv = dir.resolve("e/embeddings.csv");
        new LatentSpace(m).writeEmbeddings(x, labels, csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,label,mu_1,mu_2,mu_3,mu_4,logvar_1,logvar_2,logvar_3,logvar_4", lines.get(0));
        assertEquals(13, lines.size());
        var q = m.encode(x);
        String[] row = lines.get(6).split(",");
        assertEquals("5", row[0]);
        assertEquals("2", row[1]);
        for (int j = 0; j < 4; j++) {
            assertEquals(q.mu().getDouble(5, j), Double.parseDouble(row[2 + j]), 1e-5 * (1 + Math.abs(q.mu().getDouble(5, j))));
            assertEquals(q.logVar().getDouble(5, j), Double.parseDouble(row[6 + j]), 1e-5 * (1 + Math.abs(q.logVar().getDouble(5, j))));
        }
    }

    @Test
    void principalAxesFindTheDirectionOfLargestSpread() {
        double[][] points = new double[200][];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < points.length; i++) {
            double t = 3 * rng.nextGaussian();
            double u = 0.5 * rng.nextGaussian();
            // the long axis along (1, 1, 0)/√2, the short one along (1, −1, 0)/√2, around (5, 0, 2)
            points[i] = new double[] {5 + (t + u) / Math.sqrt(2), (t - u) / Math.sqrt(2), 2};
        }
        PrincipalAxes pa = PrincipalAxes.of(points, 2);
        assertEquals(1.0, Math.abs(pa.directions()[0][0] + pa.directions()[0][1]) / Math.sqrt(2), 0.01);
        assertEquals(0.0, pa.directions()[0][2], 1e-9);
        assertTrue(pa.variances()[0] > 7 && pa.variances()[0] < 11, String.valueOf(pa.variances()[0]));
        assertTrue(pa.variances()[1] > 0.15 && pa.variances()[1] < 0.35, String.valueOf(pa.variances()[1]));
        assertEquals(5.0, pa.mean()[0], 0.5);
        assertEquals(2.0, pa.mean()[2], 1e-12);
    }

    @Test
    void theManifoldGridRunsThroughTheInverseCdf() {
        INDArray x = TestData.binary(30, 16, 5, DataType.DOUBLE);
        VaeModel two = trained(SMALL.withOverrides(Map.of("latentSize", 2)), x);
        INDArray grid = new LatentSpace(two).manifold(4, x, null, 0);
        assertEquals(16, grid.size(0));
        org.apache.commons.math3.distribution.NormalDistribution n =
                new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
        // top-left: z_1 low (u = 1/8), z_2 high (u = 7/8)
        INDArray corner = Nd4j.createFromArray(new double[][] {{n.inverseCumulativeProbability(0.125),
                n.inverseCumulativeProbability(0.875)}});
        assertTrue(grid.getRow(0, true).equalsWithEps(two.decode(corner), 1e-9));

        VaeModel four = trained(SMALL, x);
        INDArray odd = new LatentSpace(four).manifold(5, x, null, 0);
        INDArray meanCode = four.encode(x).mu().mean(true, 0);
        assertTrue(odd.getRow(12, true).equalsWithEps(four.decode(meanCode), 1e-9),
                "the centre of an odd grid decodes the mean code");
    }

    /** Three separated Gaussian clusters in 10-D stay separated: each point's nearest 2-D neighbour is of its cluster. */
    @Test
    void tsneKeepsKnownClustersApart() {
        java.util.Random rng = new java.util.Random(7);
        int n = 150;
        double[][] x = new double[n][10];
        int[] cluster = new int[n];
        for (int i = 0; i < n; i++) {
            cluster[i] = i % 3;
            for (int k = 0; k < 10; k++) {
                x[i][k] = rng.nextGaussian() + (k == cluster[i] ? 8 : 0);
            }
        }
        double[][] y = new Tsne(20, 500, 3).embed(x, null);
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double d = j == i ? Double.POSITIVE_INFINITY
                        : Math.pow(y[i][0] - y[j][0], 2) + Math.pow(y[i][1] - y[j][1], 2);
                if (d < bestD) {
                    bestD = d;
                    best = j;
                }
            }
            agree += cluster[best] == cluster[i] ? 1 : 0;
        }
        assertTrue(agree >= 0.97 * n, agree + " of " + n + " nearest neighbours in the embedding share the cluster");
        assertArrayEquals(y[5], new Tsne(20, 500, 3).embed(x, null)[5], 0.0, "the same seed, the same embedding");
    }
}
