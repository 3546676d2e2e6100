package dev.descent.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimBenchTest {
    @Test
    void gptShapesHoldExactly2To24ParametersInModelOrder() {
        var shapes = GptShapes.shapes();
        assertEquals(52, shapes.size());
        long n = 0;
        for (int[] s : shapes.values()) n += GptShapes.size(s);
        assertEquals(1L << 24, n);
        FlatParameters flat = GptShapes.model(42);
        assertEquals(1 << 24, flat.size());
        assertEquals(GptShapes.names(), flat.list().stream().map(p -> p.name()).toList());
    }

    @Test
    void benchmarkedOptimizersAreTheFusedKernelsWithTheirStateSizes() {
        Map<String, String> impl = OptimBench.implementations();
        assertEquals("dev.descent.optim.AdamW", impl.get("adamwStep"));
        assertEquals("dev.descent.optim.LionFused", impl.get("lionStep"));
        assertEquals("dev.descent.optim.SgdMomentum", impl.get("sgdMomentumStep"));
        assertEquals(Map.of("adamwStep", 8.0, "lionStep", 4.0, "sgdMomentumStep", 4.0), OptimBench.stateBytesPerParam());
        assertTrue(OptimBench.BYTES_PER_ELEMENT.keySet().containsAll(impl.keySet()));
    }
}
