package dev.descent.nn;

import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flattened model's parameters. The trainable ones live in one flat {@code float[]} of values and
 * a second one of gradients with the same layout: trainable parameter i occupies
 * {@code [offset(i), offset(i) + size(i))} of both. The frozen ones live in a value buffer of their
 * own ({@link #frozenValues()}) and have no gradient storage. Element-wise optimizers run one fused
 * pass over {@link #values()} and {@link #grads()}; zeroing gradients is one fill; checkpoints copy
 * named views of both kinds ({@link #all()}).
 *
 * <p>Built by {@link Module#flatten()} (or {@link #of}), once per model.
 */
public final class FlatParameters {
    private final float[] values;
    private final float[] grads;
    private final float[] frozenValues;
    private final List<Parameter> trainable;
    private final List<Parameter> frozen;
    private final Map<String, Parameter> byName;
    private final int[] offsets;

    FlatParameters(Map<String, Parameter> named) {
        long total = 0;
        long frozenTotal = 0;
        for (Parameter p : named.values()) {
            if (p.isFlattened()) throw new IllegalStateException("parameter '" + p.name() + "' already belongs to a flattened model");
            if (p.isTrainable()) total += p.size();
            else frozenTotal += p.size();
        }
        if (total > Integer.MAX_VALUE - 16 || frozenTotal > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("model too large for one flat buffer: " + total + " trainable, " + frozenTotal + " frozen values");
        }
        values = new float[(int) total];
        grads = new float[(int) total];
        frozenValues = new float[(int) frozenTotal];
        trainable = new ArrayList<>();
        frozen = new ArrayList<>();
        byName = new LinkedHashMap<>();
        List<Integer> offs = new ArrayList<>();
        int off = 0;
        int frozenOff = 0;
        for (var e : named.entrySet()) {
            Parameter p = e.getValue();
            p.rename(e.getKey());
            int[] shape = p.shape();
            if (p.isTrainable()) {
                p.bind(Tensor.view(values, off, shape), Tensor.view(grads, off, shape));
                trainable.add(p);
                offs.add(off);
                off += p.size();
            } else {
                p.bind(Tensor.view(frozenValues, frozenOff, shape), null);
                frozen.add(p);
                frozenOff += p.size();
            }
            byName.put(e.getKey(), p);
        }
        offsets = offs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Flattens {@code root} (the same as {@link Module#flatten()}): parameters moved into flat buffers and named. */
    public static FlatParameters of(Module root) {
        return root.flatten();
    }

    /** Values of the trainable parameters. */
    public float[] values() { return values; }

    /** Gradients of the trainable parameters (same layout as {@link #values()}). */
    public float[] grads() { return grads; }

    /** Values of the frozen parameters (no gradients exist for them). */
    public float[] frozenValues() { return frozenValues; }

    /** Number of trainable scalars. */
    public int size() { return values.length; }

    /** The trainable parameters, in model order; parameter i sits at {@link #offset(int) offset(i)}. */
    public List<Parameter> list() { return Collections.unmodifiableList(trainable); }

    /** The frozen parameters, in model order. */
    public List<Parameter> frozen() { return Collections.unmodifiableList(frozen); }

    /** Every parameter, trainable and frozen, in model order (what a checkpoint holds). */
    public List<Parameter> all() { return List.copyOf(byName.values()); }

    /** The parameter (trainable or frozen) named {@code name}. */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'; have " + byName.keySet());
        return p;
    }

    /** The trainable parameter named {@code name}; a frozen or unknown name is an error that says which. */
    public Parameter trainable(String name) {
        Parameter p = get(name);
        if (!p.isTrainable()) {
            throw new IllegalArgumentException("parameter '" + name + "' is frozen; only trainable parameters can be optimized ("
                    + trainable.size() + " trainable, " + frozen.size() + " frozen)");
        }
        return p;
    }

    public boolean contains(String name) { return byName.containsKey(name); }

    /** Offset of the {@code i}-th trainable parameter in the flat buffers. */
    public int offset(int i) { return offsets[i]; }

    public void zeroGrad() { Arrays.fill(grads, 0f); }

    /** A copy of the trainable values (for tests and snapshots). */
    public float[] snapshot() { return values.clone(); }
}
