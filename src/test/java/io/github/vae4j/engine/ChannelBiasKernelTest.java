package io.github.vae4j.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conv bias/ReLU passes against ND4J's broadcast add, ReLU, ReLU backprop and sum. */
class ChannelBiasKernelTest {

    @Test
    void forwardAndBackwardMatchNd4j() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = t == DataType.FLOAT ? 1e-5 : 1e-12;
            for (boolean relu : new boolean[] {true, false}) {
                INDArray z = Nd4j.rand(t, 5, 3, 4, 6).subi(0.5);
                INDArray b = Nd4j.rand(t, 3).subi(0.5);
                INDArray expectedPre = z.dup();
                Nd4j.exec(new BroadcastAddOp(expectedPre, b, expectedPre, 1));
                INDArray expectedOut = relu ? Transforms.relu(expectedPre, true) : expectedPre;

                INDArray out = z.dup('c');
                INDArray pre = Nd4j.create(t, 5, 3, 4, 6);
                ChannelBiasKernel.forward(out, b, pre, relu);
                assertTrue(expectedPre.equalsWithEps(pre, tol), t + " pre");
                assertTrue(expectedOut.equalsWithEps(out, tol), t + " out relu=" + relu);

                INDArray eps = Nd4j.rand(t, 5, 3, 4, 6).subi(0.5);
                INDArray expectedDelta = relu ? eps.mul(pre.gt(0).castTo(t)) : eps.dup();
                double[] expectedDb = expectedDelta.sum(0, 2, 3).castTo(DataType.DOUBLE).toDoubleVector();
                INDArray delta = Nd4j.create(t, 5, 3, 4, 6);
                double[] db = ChannelBiasKernel.backward(pre, eps, delta, relu);
                assertTrue(expectedDelta.equalsWithEps(delta, tol), t + " delta");
                assertArrayEquals(expectedDb, db, 1e-4, t + " db");
            }
        }
    }

    @Test
    void takesOnlyContiguousArraysOfOneShapeAndType() {
        INDArray z = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        assertTrue(ChannelBiasKernel.applies(z, z.dup()));
        assertFalse(ChannelBiasKernel.applies(z.permute(0, 1, 3, 2)));
        assertFalse(ChannelBiasKernel.applies(z, z.castTo(DataType.DOUBLE)));
        assertFalse(ChannelBiasKernel.applies(z, Nd4j.rand(DataType.FLOAT, 2, 3, 5, 4)));
        assertEquals(false, ChannelBiasKernel.applies(Nd4j.rand(DataType.FLOAT, 6, 5)));
    }
}
