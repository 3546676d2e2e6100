package dev.descent.nn;

import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All parameters of a model in one flat {@code float[]}, and all gradients in a second one with the
 * same layout: parameter i occupies {@code [offset(i), offset(i) + size(i))} of both. Element-wise
 * optimizers run one fused pass over {@link #values()} and {@link #grads()}; zeroing gradients is
 * one fill; checkpoints copy named views.
 */
public final class FlatParameters {
    private final float[] values;
    private final float[] grads;
    private final List<Parameter> list;
    private final Map<String, Parameter> byName;
    private final int[] offsets;

    private FlatParameters(Map<String, Parameter> named) {
        long total = 0;
        for (Parameter p : named.values()) total += p.size();
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("model too large for one flat buffer: " + total);
        values = new float[(int) total];
        grads = new float[(int) total];
        list = new ArrayList<>(named.size());
        byName = new LinkedHashMap<>();
        offsets = new int[named.size()];
        int off = 0;
        int i = 0;
        for (var e : named.entrySet()) {
            Parameter p = e.getValue();
            p.rename(e.getKey());
            int[] shape = p.shape();
            p.bind(Tensor.view(values, off, shape), Tensor.view(grads, off, shape));
            list.add(p);
            byName.put(e.getKey(), p);
            offsets[i++] = off;
            off += p.size();
        }
    }

    /** Moves every parameter of {@code root} into flat buffers (values copied) and names them. */
    public static FlatParameters of(Module root) {
        return new FlatParameters(root.namedParameters());
    }

    public float[] values() { return values; }

    public float[] grads() { return grads; }

    public int size() { return values.length; }

    public List<Parameter> list() { return Collections.unmodifiableList(list); }

    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'; have " + byName.keySet());
        return p;
    }

    public boolean contains(String name) { return byName.containsKey(name); }

    /** Offset of the {@code i}-th parameter in the flat buffers. */
    public int offset(int i) { return offsets[i]; }

    public void zeroGrad() { Arrays.fill(grads, 0f); }

    /** A copy of all values (for tests and snapshots). */
    public float[] snapshot() { return values.clone(); }
}
