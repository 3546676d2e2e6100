package dev.descent.bench.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochSamplerTest {
    @Test
    void everyExampleOncePerEpochAcrossBatchesThatStraddleEpochs() {
        int rows = 10;
        EpochSampler s = new EpochSampler(rows, 4, 3);
        // 5 batches of 4 = 20 positions = exactly epochs 0 and 1; batch 2 straddles them.
        int[] seen = new int[40];
        int pos = 0;
        for (long step = 0; step < 5; step++) for (int i : s.batch(step)) seen[pos++] = i;
        int[] epoch0 = Arrays.copyOfRange(seen, 0, 10);
        int[] epoch1 = Arrays.copyOfRange(seen, 10, 20);
        assertArrayEquals(s.permutation(0), epoch0);
        assertArrayEquals(s.permutation(1), epoch1);
        Arrays.sort(epoch0);
        Arrays.sort(epoch1);
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(all, epoch0);
        assertArrayEquals(all, epoch1);
        assertFalse(Arrays.equals(s.permutation(0), s.permutation(1)));
    }

    @Test
    void aBatchIsAPureFunctionOfSeedAndStep() {
        EpochSampler a = new EpochSampler(100, 32, 9);
        EpochSampler b = new EpochSampler(100, 32, 9);
        int[] late = a.batch(57);
        a.batch(3);
        assertArrayEquals(late, a.batch(57));
        assertArrayEquals(late, b.batch(57));
        assertFalse(Arrays.equals(late, new EpochSampler(100, 32, 10).batch(57)));
        assertEquals(32, late.length);
        int[] reused = new int[32];
        b.batch(3, reused);
        b.batch(57, reused);
        assertArrayEquals(late, reused);
    }

    @Test
    void batchesLargerThanTheDatasetSpanEpochs() {
        EpochSampler s = new EpochSampler(3, 7, 1);
        int[] b = s.batch(0);
        int[] counts = new int[3];
        for (int i : b) counts[i]++;
        assertArrayEquals(new int[] {3, 2, 2}, new int[] {counts[s.permutation(2)[0]], counts[s.permutation(2)[1]], counts[s.permutation(2)[2]]});
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new EpochSampler(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EpochSampler(5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EpochSampler(5, 2, 0).batch(-1));
        assertThrows(IllegalArgumentException.class, () -> new EpochSampler(5, 2, 0).batch(0, new int[3]));
    }
}
