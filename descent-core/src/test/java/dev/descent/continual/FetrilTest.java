package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.descent.data.ClassificationData;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FetrilTest {
    /*
     * New classes 2 and 3 with real 2-d features: class 2 rows (1,0), (3,0), centroid (2,0); class 3
     * rows (0,4), (0,6), centroid (0,5). Stored centroids of old classes: μ0 = (2,1), μ1 = (−1,5).
     * Squared distances: μ0–μ2 = 0²+1² = 1, μ0–μ3 = 2²+4² = 20 → class 0 borrows class 2;
     * μ1–μ2 = 3²+5² = 34, μ1–μ3 = 1²+0² = 1 → class 1 borrows class 3.
     * Pseudo-features f − μ_n + μ_c: class 0: (1,0)−(2,0)+(2,1) = (1,1), (3,0)−(2,0)+(2,1) = (3,1);
     * class 1: (0,4)−(0,5)+(−1,5) = (−1,4), (0,6)−(0,5)+(−1,5) = (−1,6).
     */
    @Test
    void pseudoFeaturesTranslateTheNearestNewClass() {
        ClassificationData real = new ClassificationData("f", new float[] {1, 0, 3, 0, 0, 4, 0, 6}, new int[] {2, 2, 3, 3}, 4, 2, 4);
        Map<Integer, double[]> centroids = new LinkedHashMap<>();
        centroids.put(0, new double[] {2, 1});
        centroids.put(1, new double[] {-1, 5});
        centroids.put(2, Fetril.centroid(real, 2));
        centroids.put(3, Fetril.centroid(real, 3));
        assertArrayEquals(new double[] {2, 0}, centroids.get(2), 0);
        assertArrayEquals(new double[] {0, 5}, centroids.get(3), 0);
        ClassificationData t = Fetril.translate(real, new int[] {2, 3}, centroids);
        assertArrayEquals(new int[] {2, 2, 3, 3, 0, 0, 1, 1}, t.labels());
        assertArrayEquals(new float[] {1, 0, 3, 0, 0, 4, 0, 6, 1, 1, 3, 1, -1, 4, -1, 6}, t.features(), 0f);
    }
}
