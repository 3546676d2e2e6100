package dev.descent.zo;

import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.peft.Lora;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * The LoRA atom structure of a parameter set: for every adapted module, the slots of its factors
 * A [r, in] and B [out, r]. Atom k of a module is (b_k = column k of B, a_k = row k of A): element
 * B[i, k] sits at {@code b.offset() + i·r + k}, A[k, j] at {@code a.offset() + k·in + j}.
 *
 * <p>Built from the peft modules ({@link #of(ParamSet, List)}: the pairs {@link Lora#adapterPairs}
 * lists, matched to slots by parameter name equality, with each module's α and a handle to its forward
 * scale), or — when only the parameter set is at hand, as for an optimizer built by name — from the
 * slots alone ({@link #fromSlots}), pairing {@code X.lora_A.N.weight} with {@code X.lora_B.N.weight}
 * (PEFT's naming, which {@link Lora} gives) with r read from A's shape; then α and the scale handle are
 * unknown.
 */
public record LoraAtoms(List<Factors> modules) {
    /** One module's factors: A and B slots, rank r, α (NaN when unknown) and a setter of its forward scale (null when unknown). */
    public record Factors(ParamSlot a, ParamSlot b, int rank, int in, int out, double alpha, DoubleConsumer forwardScale) {
        public Factors {
            if (a.shape().length != 2 || b.shape().length != 2 || a.shape()[0] != rank || b.shape()[1] != rank) {
                throw new IllegalArgumentException("LoRA factors " + a.name() + " and " + b.name() + " are not [r, in] and [out, r] with r = " + rank);
            }
        }

        /** Offset in the value buffer of B[i, k]. */
        int bIndex(int i, int k) { return b.offset() + i * rank + k; }

        /** Offset in the value buffer of A[k, j]. */
        int aIndex(int k, int j) { return a.offset() + k * in + j; }
    }

    public LoraAtoms {
        modules = List.copyOf(modules);
        if (modules.isEmpty()) throw new IllegalArgumentException("no LoRA adapter among the parameters: AR1-ZO perturbs LoRA atoms only");
    }

    /** d_out + d_in summed over the modules: the dimension of one step's direction. */
    public int atomDimension() {
        int d = 0;
        for (Factors f : modules) d += f.out() + f.in();
        return d;
    }

    /** The atoms of the adapter pairs {@code pairs} (from {@link Lora#adapterPairs}), whose factors must be in {@code params}. */
    public static LoraAtoms of(ParamSet params, List<Lora.AdapterPair> pairs) {
        Map<String, ParamSlot> byName = new HashMap<>();
        for (ParamSlot s : params.slots()) byName.put(s.name(), s);
        List<Factors> out = new ArrayList<>();
        for (Lora.AdapterPair p : pairs) {
            ParamSlot a = byName.get(p.adapter().loraA().name());
            ParamSlot b = byName.get(p.adapter().loraB().name());
            if (a == null || b == null) {
                throw new IllegalArgumentException("the factors of " + p.layer() + " are not among the optimized parameters (frozen?)");
            }
            int r = p.adapter().rank();
            out.add(new Factors(a, b, r, a.shape()[1], b.shape()[0], p.adapter().alpha(), p::setScaling));
        }
        return new LoraAtoms(out);
    }

    /** The atoms found from the slot names alone (see the class comment); α and the scale handles are unknown. */
    public static LoraAtoms fromSlots(ParamSet params) {
        Map<String, ParamSlot> byName = new HashMap<>();
        for (ParamSlot s : params.slots()) byName.put(s.name(), s);
        List<Factors> out = new ArrayList<>();
        for (ParamSlot a : params.slots()) {
            int at = a.name().lastIndexOf(".lora_A.");
            if (at < 0) continue;
            ParamSlot b = byName.get(a.name().substring(0, at) + ".lora_B." + a.name().substring(at + ".lora_A.".length()));
            if (b == null) throw new IllegalArgumentException(a.name() + " has no matching lora_B among the optimized parameters");
            out.add(new Factors(a, b, a.shape()[0], a.shape()[1], b.shape()[0], Double.NaN, null));
        }
        return new LoraAtoms(out);
    }
}
