package io.github.vae4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaeMathTest {

    @Test
    void klMatchesHandComputation() {
        double[][] mu = {{0.5, -1.0, 0.0}, {2.0, 0.1, -0.3}};
        double[][] lv = {{0.0, -2.0, 1.5}, {-0.5, 0.3, -4.0}};
        INDArray kl = VaeMath.klDivergencePerExample(Nd4j.create(mu), Nd4j.create(lv));
        for (int i = 0; i < 2; i++) {
            double expected = 0;
            for (int j = 0; j < 3; j++) {
                expected += 0.5 * (mu[i][j] * mu[i][j] + Math.exp(lv[i][j]) - lv[i][j] - 1);
            }
            assertEquals(expected, kl.getDouble(i, 0), 1e-12);
        }
        // KL of the prior with itself is zero
        assertEquals(0.0, VaeMath.klDivergencePerExample(Nd4j.zeros(DataType.DOUBLE, 4, 5),
                Nd4j.zeros(DataType.DOUBLE, 4, 5)).sumNumber().doubleValue(), 0.0);
    }

    @Test
    void softplusIsStableAtExtremes() {
        INDArray x = Nd4j.createFromArray(-1000.0, -20.0, 0.0, 20.0, 1000.0);
        INDArray s = VaeMath.softplus(x);
        assertEquals(0.0, s.getDouble(0), 1e-300);
        assertEquals(Math.log1p(Math.exp(-20)), s.getDouble(1), 1e-15); // ND4J log1p is log(1+x)
        assertEquals(Math.log(2), s.getDouble(2), 1e-15);
        assertEquals(20 + Math.log1p(Math.exp(-20)), s.getDouble(3), 1e-12);
        assertEquals(1000.0, s.getDouble(4), 1e-9);
        INDArray f = VaeMath.softplus(Nd4j.createFromArray(1000f, -1000f));
        assertTrue(Double.isFinite(f.getDouble(0)) && Double.isFinite(f.getDouble(1)));
    }

    @Test
    void softClampIsIdentityInRangeAndBoundedOutside() {
        INDArray x = Nd4j.createFromArray(-500.0, -5.0, 0.0, 3.0, 500.0);
        INDArray y = VaeMath.softClamp(x, -20, 10);
        assertEquals(-20.0, y.getDouble(0), 1e-9);
        assertEquals(-5.0, y.getDouble(1), 1e-6);
        assertEquals(0.0, y.getDouble(2), 1e-4);
        assertEquals(3.0, y.getDouble(3), 1e-3);
        assertEquals(10.0, y.getDouble(4), 1e-9);
        INDArray d = VaeMath.softClampDerivative(x, -20, 10);
        assertEquals(1.0, d.getDouble(1), 1e-4);
        assertTrue(d.getDouble(0) >= 0 && d.getDouble(4) >= 0);
        // derivative matches a central difference
        double h = 1e-6;
        for (double v : new double[] {-21, -3, 9.5, 11}) {
            double num = (VaeMath.softClamp(Nd4j.createFromArray(v + h), -20, 10).getDouble(0)
                    - VaeMath.softClamp(Nd4j.createFromArray(v - h), -20, 10).getDouble(0)) / (2 * h);
            assertEquals(num, VaeMath.softClampDerivative(Nd4j.createFromArray(v), -20, 10).getDouble(0), 1e-7);
        }
    }
}
