package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AccuracyMatrixTest {
    /*
     * R (row i: after training task i; column j: task j):
     *   0.90 0.10 0.00
     *   0.95 0.80 0.20
     *   0.50 0.70 0.95
     * average accuracy = (0.50 + 0.70 + 0.95)/3 = 2.15/3 = 0.716666…
     * forgetting (Avalanche, from R[j][j]) = ((0.90 − 0.50) + (0.80 − 0.70))/2 = (0.40 + 0.10)/2 = 0.25
     * forgetting from the max (Chaudhry) = ((max(0.90, 0.95) − 0.50) + (0.80 − 0.70))/2 = (0.45 + 0.10)/2 = 0.275
     * backward transfer = ((0.50 − 0.90) + (0.70 − 0.80))/2 = −0.25
     * plasticity = (0.90, 0.80, 0.95), mean 2.65/3 = 0.883333…
     */
    private static final double[][] R = {{0.90, 0.10, 0.00}, {0.95, 0.80, 0.20}, {0.50, 0.70, 0.95}};

    @Test
    void metricsOfAHandMadeMatrix() {
        AccuracyMatrix m = new AccuracyMatrix(R);
        assertEquals(3, m.tasks());
        assertEquals(2.15 / 3, m.averageAccuracy(), 1e-12);
        assertEquals(0.25, m.forgetting(), 1e-12);
        assertEquals(0.275, m.maxForgetting(), 1e-12);
        assertEquals(-0.25, m.backwardTransfer(), 1e-12);
        assertArrayEquals(new double[] {0.90, 0.80, 0.95}, m.plasticity(), 0);
        assertEquals(2.65 / 3, m.meanPlasticity(), 1e-12);
    }

    @Test
    void oneTaskHasNothingToForget() {
        AccuracyMatrix m = new AccuracyMatrix(new double[][] {{0.7}});
        assertEquals(0.7, m.averageAccuracy(), 0);
        assertEquals(0, m.forgetting(), 0);
        assertEquals(0, m.maxForgetting(), 0);
        assertEquals(0, m.backwardTransfer(), 0);
    }

    @Test
    void copiesItsInputAndRefusesANonSquareMatrix() {
        double[][] r = {{0.5, 0.5}, {0.5, 0.5}};
        AccuracyMatrix m = new AccuracyMatrix(r);
        r[1][0] = 0;
        assertEquals(0.5, m.get(1, 0), 0);
        assertThrows(IllegalArgumentException.class, () -> new AccuracyMatrix(new double[][] {{1, 0}}));
        assertThrows(IllegalArgumentException.class, () -> new AccuracyMatrix(new double[0][]));
    }
}
