package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.optim.HyperParams;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zeroth-order optimizers over a parameter subset (only some tensors of a model, as LoRA adapters
 * would be): the other parameters stay bit for bit as they were, and the run gives the same bits as
 * the same optimizer on a model that holds only the subset's parameters (same names, shapes and
 * order, same objective). That equality holds because directions are indexed by the set's own dense
 * layout and have its dimension, for every direction kind. Also: two optimizers on two models
 * stepping at the same time on two threads give the bits each gives alone (their scratch is their own).
 */
class ZoSubsetTest {
    private static final List<String> NAMES = List.of("emb.weight", "h.0.attn.weight", "h.0.attn.bias", "h.1.mlp.weight", "ln_f.weight", "h.1.mlp.bias");
    private static final int[] SIZES = {30_000, 20_000, 700, 26_000, 300, 90};
    /** The adapted parameters: attention and MLP of both blocks (46,790 values, so passes use two chunks on two threads). */
    private static final java.util.function.Predicate<ParamSlot> ADAPTED = s -> s.name().startsWith("h.");

    private int threads;

    @BeforeEach
    void twoThreads() {
        threads = Parallel.threads();
        Parallel.setThreads(2);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    private static ParamSet model(List<String> names, int[] sizes, long seed) {
        int d = java.util.Arrays.stream(sizes).sum();
        float[] values = new float[d];
        Philox.stream(seed, "zo-subset/values").fillGaussian(values, 0, d, 0);
        for (int i = 0; i < d; i++) values[i] *= 0.5f;
        return ParamSet.of(values, names, java.util.Arrays.stream(sizes).mapToObj(n -> new int[] {n}).toList());
    }

    /** The model holding only the adapted parameters of {@code full}, with their current values. */
    private static ParamSet adaptedOnly(ParamSet full) {
        ParamSet sub = full.subset(ADAPTED);
        float[] values = new float[sub.elements()];
        for (ParamSlot s : sub.slots()) System.arraycopy(full.values(), s.offset(), values, s.stateOffset(), s.size());
        return ParamSet.of(values, sub.slots().stream().map(ParamSlot::name).toList(), sub.slots().stream().map(ParamSlot::shape).toList());
    }

    /**
     * f = Σ over the adapted parameters, in set order, of (θᵢ − cᵢ)²·(1 + (i mod 7)) in float64, cᵢ
     * = sin(i): a function of the set's values alone, evaluated identically on both models.
     */
    private static Objective loss(ParamSet set) {
        float[] v = set.values();
        return () -> {
            double f = 0;
            for (ParamSlot s : set.slots()) {
                for (int i = 0; i < s.size(); i++) {
                    int k = s.stateOffset() + i;
                    double e = v[s.offset() + i] - Math.sin(k);
                    f += e * e * (1 + k % 7);
                }
            }
            return f / set.elements();
        };
    }

    private static final Map<String, BiFunction<ParamSet, Objective, Optimizer>> OPTIMIZERS = Map.of(
            "mezo", (set, f) -> ZerothOrderOptimizers.create("mezo", set, new float[set.values().length],
                    new HyperParams(Map.of("lr", "0.05", "mu", "1e-3", "weight_decay", "0.1", "seed", "3")), f),
            "mezo q=2 sphere", (set, f) -> ZerothOrderOptimizers.create("mezo", set, new float[set.values().length],
                    new HyperParams(Map.of("lr", "0.05", "mu", "1e-3", "q", "2", "direction", "sphere", "seed", "4")), f),
            "zo_adam rademacher", (set, f) -> ZerothOrderOptimizers.create("zo_adam", set, new float[set.values().length],
                    new HyperParams(Map.of("lr", "1e-3", "mu", "1e-3", "direction", "rademacher", "seed", "5")), f),
            "zovh blocks=tensor", (set, f) -> ZovhOptimizers.createBlockDiagonal(set, new float[set.values().length],
                    new HyperParams(Map.of("lr", "1e-3", "mu", "1e-2", "num_histories", "1", "blocks", "tensor", "seed", "6")), f));

    @Test
    void subsetRunLeavesTheRestUntouchedAndEqualsTheModelOfTheSubset() {
        for (var e : OPTIMIZERS.entrySet()) {
            ParamSet full = model(NAMES, SIZES, 1);
            float[] before = full.values().clone();
            ParamSet small = adaptedOnly(full);
            ParamSet adapted = full.subset(ADAPTED);
            Optimizer onSubset = e.getValue().apply(adapted, loss(adapted));
            Optimizer onSmall = e.getValue().apply(small, loss(small));
            for (int step = 0; step < 6; step++) {
                onSubset.step();
                onSmall.step();
            }
            float[] v = full.values();
            for (ParamSlot s : full.slots()) {
                if (ADAPTED.test(s)) continue;
                for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                    assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(v[i]), e.getKey() + ": " + s.name() + " changed");
                }
            }
            int changed = 0;
            for (ParamSlot s : adapted.slots()) {
                for (int i = 0; i < s.size(); i++) {
                    float got = v[s.offset() + i];
                    assertEquals(Float.floatToRawIntBits(small.values()[s.stateOffset() + i]), Float.floatToRawIntBits(got),
                            e.getKey() + ": " + s.name() + "[" + i + "]");
                    if (got != before[s.offset() + i]) changed++;
                }
            }
            // the subset is really optimized (a value may round back to where it was under a small step)
            org.junit.jupiter.api.Assertions.assertTrue(changed > 0.99 * adapted.elements(), e.getKey() + ": only " + changed + " adapted values moved");
            assertEquals(onSmall.scalars().get("loss"), onSubset.scalars().get("loss"), e.getKey() + ": loss");
        }
    }

    @Test
    void twoOptimizersOnTwoThreadsGiveTheBitsOfEachAlone() throws Exception {
        for (var e : OPTIMIZERS.entrySet()) {
            float[][] alone = new float[2][];
            for (int m = 0; m < 2; m++) alone[m] = run(e.getValue(), m);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                BiFunction<ParamSet, Objective, Optimizer> build = e.getValue();
                Future<float[]> a = pool.submit(() -> run(build, 0));
                Future<float[]> b = pool.submit(() -> run(build, 1));
                float[][] together = {a.get(), b.get()};
                for (int m = 0; m < 2; m++) {
                    for (int i = 0; i < alone[m].length; i++) {
                        assertEquals(Float.floatToRawIntBits(alone[m][i]), Float.floatToRawIntBits(together[m][i]), e.getKey() + ": model " + m + " element " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Eight steps of the optimizer on the adapted parameters of model {@code m} (seeded by m). */
    private static float[] run(BiFunction<ParamSet, Objective, Optimizer> build, int m) {
        ParamSet full = model(NAMES, SIZES, 10 + m);
        ParamSet adapted = full.subset(ADAPTED);
        Optimizer o = build.apply(adapted, loss(adapted));
        for (int step = 0; step < 8; step++) o.step();
        return full.values();
    }
}
