package dev.descent.peft;

import dev.descent.optim.ForwardingOptimizer;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StepReport;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Any first-order optimizer on IncreLoRA layers ({@link IncreLoraLinear}) with the allocator
 * ({@link IncreLoraAllocator}) run after each step, in the order of the code's training loop: the
 * importances of this step's backward are folded into the averages (while the budget is not reached), the
 * wrapped optimizer steps, the reserve components' λ are put back to 1e-5 (they are not trained; a
 * decoupled weight decay of the λ vector would move them), and at an allocation step the chosen layers'
 * reserve components become active and new reserves are drawn (stream {@code (seed, "increlora/<layer>/<t>")}).
 *
 * <p>The allocator's state (ranks and averages, as doubles) is part of {@link #scalars()}, so a checkpoint
 * holds the masks and {@link #loadState} restores them: a resumed run continues bit for bit. Choice: the
 * code adds the new components to the optimizer as a new parameter group, with their own Adam step
 * counters; here every component lives in the flattened buffers from the start, and an off component has
 * zero gradient, so its moments stay zero until it is switched on, but the bias correction uses the
 * optimizer's global step count.
 */
public final class IncreLoraOptimizer extends ForwardingOptimizer {
    private final Map<String, IncreLoraLinear> layers;
    private final IncreLoraAllocator allocator;
    private final boolean advanceLearn;
    private final long seed;

    /** Wraps {@code inner}, built over a flattened model holding {@code layers} (initialised at the allocator's initial rank). */
    public IncreLoraOptimizer(Optimizer inner, Map<String, IncreLoraLinear> layers, IncreLoraAllocator allocator, boolean advanceLearn, long seed) {
        super(inner);
        if (!inner.needsGradients()) throw new PeftException("IncreLoRA scores modules by their gradients; optimizer " + inner.name() + " does not use them");
        if (!layers.keySet().equals(new java.util.LinkedHashSet<>(allocator.modules()))) throw new IllegalArgumentException("the allocator's modules are not the layers");
        this.layers = new LinkedHashMap<>(layers);
        this.allocator = allocator;
        this.advanceLearn = advanceLearn;
        this.seed = seed;
        for (var e : layers.entrySet()) place(e.getKey(), e.getValue(), -1);
    }

    /** The reserve size of a layer now: {@code rank_per_add} (within its room) while the budget is not reached and advance learning is on. */
    private int reserveOf(String name, IncreLoraLinear l) {
        if (!advanceLearn || !allocator.growing()) return 0;
        return Math.min(allocator.settings().rankPerAdd(), l.maxRank() - allocator.rank(name));
    }

    private void place(String name, IncreLoraLinear l, long t) {
        int rank = allocator.rank(name);
        int reserve = reserveOf(name, l);
        if (rank != l.rank() || reserve != l.reserve()) l.setComponents(rank, reserve, Philox.stream(seed, "increlora/" + name + "/" + t), 0);
    }

    public IncreLoraAllocator allocator() { return allocator; }

    @Override
    public void step() {
        if (allocator.growing()) for (var e : layers.entrySet()) allocator.observe(e.getKey(), e.getValue().lastImportance());
        inner().step();
        for (IncreLoraLinear l : layers.values()) l.holdReserves();
        long t = inner().stepCount() - 1;
        if (!allocator.allocate(t).isEmpty()) for (var e : layers.entrySet()) place(e.getKey(), e.getValue(), t);
    }

    @Override
    public StepReport step(Objective objective) { return gradientThenStep(objective); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> out = new LinkedHashMap<>(inner().scalars());
        out.putAll(allocator.state());
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        Map<String, Double> own = new LinkedHashMap<>();
        Map<String, Double> rest = new LinkedHashMap<>();
        scalars.forEach((k, v) -> (k.startsWith("increlora.") ? own : rest).put(k, v));
        inner().loadState(tensors, rest);
        allocator.loadState(own);
        for (var e : layers.entrySet()) e.getValue().restoreComponents(allocator.rank(e.getKey()), reserveOf(e.getKey(), e.getValue()));
    }
}
