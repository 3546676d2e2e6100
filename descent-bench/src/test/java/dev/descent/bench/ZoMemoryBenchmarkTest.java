package dev.descent.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench memory --init-from}: the batches come from the part of the training split the run did not train on. */
class ZoMemoryBenchmarkTest {
    @Test
    void heldOutIsTheSplitFromTheRunsTrainEnd() {
        int[] train = new int[20];
        for (int i = 0; i < train.length; i++) train[i] = i;
        // train_end 0.9 of 20 tokens: the run trained on [0, 18), so 18 and 19 are held out.
        assertArrayEquals(new int[] {18, 19}, ZoMemoryBenchmark.heldOut(train, Map.of("train_end", 0.9)));
        assertSame(train, ZoMemoryBenchmark.heldOut(train, Map.of("train_end", 1.0)));
        assertSame(train, ZoMemoryBenchmark.heldOut(train, Map.of()));
    }
}
