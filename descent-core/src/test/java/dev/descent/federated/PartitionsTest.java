package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PartitionsTest {
    private static final ClassificationData DIGITS = Datasets.digitsTrain();

    /** Every row in exactly one part. */
    private static void assertExactCover(int[][] parts, int rows) {
        int[] seen = new int[rows];
        for (int[] p : parts) for (int i : p) seen[i]++;
        for (int i = 0; i < rows; i++) assertEquals(1, seen[i], "row " + i);
    }

    @Test
    void dirichletCoversEveryRowOnceAndRespectsTheMinimumSize() {
        for (double alpha : new double[] {0.1, 1, 100}) {
            int[][] parts = Partitions.dirichlet(DIGITS.labels(), 10, 10, alpha, 10, 3);
            assertEquals(10, parts.length);
            assertExactCover(parts, DIGITS.rows());
            for (int[] p : parts) assertTrue(p.length >= 10, "alpha " + alpha + ": a client with " + p.length + " rows");
        }
    }

    @Test
    void dirichletIsReproducibleAndSeedDependent() {
        int[][] a = Partitions.dirichlet(DIGITS.labels(), 10, 10, 0.5, 10, 42);
        int[][] b = Partitions.dirichlet(DIGITS.labels(), 10, 10, 0.5, 10, 42);
        int[][] c = Partitions.dirichlet(DIGITS.labels(), 10, 10, 0.5, 10, 43);
        for (int k = 0; k < 10; k++) assertArrayEquals(a[k], b[k]);
        assertFalse(Arrays.deepEquals(a, c));
    }

    @Test
    void smallAlphaConcentratesClassesAndLargeAlphaSpreadsThem() {
        // mean over clients of the largest class share: near 1/10 for alpha = 100, much larger for alpha = 0.1
        double skewed = meanTopClassShare(Partitions.dirichlet(DIGITS.labels(), 10, 10, 0.1, 10, 1));
        double even = meanTopClassShare(Partitions.dirichlet(DIGITS.labels(), 10, 10, 100, 10, 1));
        assertTrue(skewed > 0.5, "alpha 0.1: " + skewed);
        assertTrue(even < 0.2, "alpha 100: " + even);
    }

    private static double meanTopClassShare(int[][] parts) {
        double s = 0;
        for (int[] p : parts) {
            int[] counts = new int[10];
            for (int i : p) counts[DIGITS.labels()[i]]++;
            s += (double) Arrays.stream(counts).max().getAsInt() / p.length;
        }
        return s / parts.length;
    }

    @Test
    void dirichletGivesUpAfterFlowersRetries() {
        var e = assertThrows(IllegalArgumentException.class, () -> Partitions.dirichlet(DIGITS.labels(), 10, 100, 0.01, 30, 0));
        assertTrue(e.getMessage().contains("min_partition_size"), e.getMessage());
    }

    @Test
    void iidSizesDifferByAtMostOne() {
        int[][] parts = Partitions.iid(103, 10, 5);
        assertExactCover(parts, 103);
        for (int k = 0; k < 10; k++) assertEquals(k < 3 ? 11 : 10, parts[k].length);
    }

    @Test
    void shardsGiveEachClientFewLabels() {
        int[][] parts = Partitions.shards(DIGITS.labels(), 10, 2, 9);
        assertExactCover(parts, DIGITS.rows());
        for (int[] p : parts) {
            long labels = Arrays.stream(p).map(i -> DIGITS.labels()[i]).distinct().count();
            assertTrue(labels <= 4, "a client with " + labels + " labels"); // 2 shards, each spanning at most 2 labels
        }
    }

    @Test
    void refusesMoreClientsThanRows() {
        assertThrows(IllegalArgumentException.class, () -> Partitions.iid(5, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> Partitions.dirichlet(new int[] {0, 1}, 2, 2, 0, 0, 0));
    }
}
