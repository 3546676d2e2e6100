package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamsTest {
    @Test
    void splitDigitsHasFiveDisjointPairsCoveringEveryRow() {
        for (Scenario sc : new Scenario[] {Scenario.CLASS_INCREMENTAL, Scenario.TASK_INCREMENTAL}) {
            ContinualStream s = Streams.splitDigits(sc);
            assertEquals(5, s.size());
            assertEquals(64, s.inputs());
            assertEquals(10, s.classes());
            boolean[] used = new boolean[10];
            int train = 0;
            int test = 0;
            for (ContinualTask t : s.tasks()) {
                assertEquals(2, t.classes().length);
                for (int c : t.classes()) {
                    assertTrue(!used[c], "class " + c + " in two tasks");
                    used[c] = true;
                }
                for (int l : t.train().labels()) assertTrue(Learner.contains(t.classes(), l));
                for (int l : t.test().labels()) assertTrue(Learner.contains(t.classes(), l));
                train += t.train().rows();
                test += t.test().rows();
            }
            assertEquals(Datasets.digitsTrain().rows(), train);
            assertEquals(Datasets.digitsTest().rows(), test);
            if (sc == Scenario.TASK_INCREMENTAL) {
                assertArrayEquals(new int[] {4, 5}, s.amongFor(2));
                assertArrayEquals(new int[] {6, 7}, s.allowedByLabel()[7]);
            } else {
                assertNull(s.amongFor(2));
                assertNull(s.allowedByLabel()[7]);
            }
        }
    }

    @Test
    void splitMnistKeepsPerClassRowsAndADisjointTestSplit() {
        ContinualStream s = Streams.splitMnist(Scenario.CLASS_INCREMENTAL, 50);
        assertEquals(784, s.inputs());
        int test = 0;
        for (ContinualTask t : s.tasks()) {
            int[] counts = t.train().classCounts();
            for (int c : t.classes()) assertEquals(50, counts[c]);
            assertEquals(100, t.train().rows());
            test += t.test().rows();
        }
        assertEquals(2000, test);
        // training rows are not test rows: no training image occurs among the test images
        java.util.Set<Integer> testHashes = new java.util.HashSet<>();
        for (ContinualTask t : s.tasks()) for (int i = 0; i < t.test().rows(); i++) testHashes.add(rowHash(t.test(), i));
        for (ContinualTask t : s.tasks()) for (int i = 0; i < t.train().rows(); i++) assertTrue(!testHashes.contains(rowHash(t.train(), i)));
    }

    @Test
    void permutedMnistPermutesPixelsOnly() {
        ContinualStream s = Streams.permutedMnist(3, 20);
        assertEquals(Scenario.DOMAIN_INCREMENTAL, s.scenario());
        ClassificationData a = s.task(0).train();
        ClassificationData b = s.task(1).train();
        assertArrayEquals(a.labels(), b.labels());
        assertTrue(!Arrays.equals(a.features(), b.features()));
        for (int i = 0; i < a.rows(); i++) {
            float[] x = Arrays.copyOfRange(a.features(), i * 784, (i + 1) * 784);
            float[] y = Arrays.copyOfRange(b.features(), i * 784, (i + 1) * 784);
            Arrays.sort(x);
            Arrays.sort(y);
            assertArrayEquals(x, y, 0f);
        }
        assertEquals(10, s.task(2).classes().length);
    }

    @Test
    void labelPermutedStreamsRelabelByABijection() {
        ContinualStream s = Streams.labelPermutedDigits(4);
        ClassificationData base = s.task(0).train();
        assertArrayEquals(Datasets.digitsTrain().labels(), base.labels());
        for (int t = 1; t < 4; t++) {
            ClassificationData d = s.task(t).train();
            assertArrayEquals(base.features(), d.features(), 0f);
            int[] map = new int[10];
            Arrays.fill(map, -1);
            for (int i = 0; i < d.rows(); i++) {
                int from = base.labels()[i];
                assertTrue(map[from] < 0 || map[from] == d.labels()[i], "one class maps to one label");
                map[from] = d.labels()[i];
            }
            assertEquals(10, Arrays.stream(map).distinct().count());
        }
    }

    @Test
    void unknownNamesListTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Streams.create("split-cifar", Streams.Options.DEFAULTS));
        assertTrue(e.getMessage().contains("split-digits-class"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> Strategies.create("lwf", dev.descent.optim.HyperParams.empty(), 1));
        assertTrue(f.getMessage().contains("ewc"), f.getMessage());
    }

    private static int rowHash(ClassificationData d, int i) {
        return Arrays.hashCode(Arrays.copyOfRange(d.features(), i * d.cols(), (i + 1) * d.cols()));
    }
}
