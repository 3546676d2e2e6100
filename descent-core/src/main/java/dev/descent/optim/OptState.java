package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of a gradient transformation: named float buffers (moments, preconditioners), named
 * scalars (step counters and every hyperparameter, so they can be read and changed between steps),
 * and the states of child transformations. State is data: {@link #tensors()} and {@link #scalars()}
 * export it under dotted names, and {@link #restore} puts it back exactly.
 */
public final class OptState {
    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    private final Map<String, double[]> scalars = new LinkedHashMap<>();
    private final Map<String, OptState> children = new LinkedHashMap<>();
    private final Map<Object, Object> cache = new IdentityHashMap<>();
    /** The cell of this state's learning rate ({@link #defineLearningRate}), or null. */
    private double[] learningRate;

    /** A new zero buffer of {@code size} floats under {@code name}. */
    public float[] newBuffer(String name, int size) {
        if (buffers.containsKey(name)) throw new IllegalStateException("buffer '" + name + "' defined twice");
        float[] b = new float[size];
        buffers.put(name, b);
        return b;
    }

    public float[] buffer(String name) {
        float[] b = buffers.get(name);
        if (b == null) throw new IllegalStateException("no buffer '" + name + "' in this state; have " + buffers.keySet());
        return b;
    }

    /** Defines a scalar (a counter or a hyperparameter) with its initial value. */
    public void define(String name, double value) {
        if (scalars.containsKey(name)) throw new IllegalStateException("scalar '" + name + "' defined twice");
        scalars.put(name, new double[] {value});
    }

    /**
     * Defines the scalar {@code lr} and marks it as a learning rate η: the cell an optimizer reads and
     * sets through {@link #learningRates()} ({@code learningRate()}/{@code setLearningRate}), with no
     * lookup by name. Saved like any other scalar.
     */
    public void defineLearningRate(double value) {
        if (learningRate != null) throw new IllegalStateException("learning rate defined twice in one state");
        define("lr", value);
        learningRate = scalars.get("lr");
    }

    /**
     * The learning-rate cells ({@link #defineLearningRate}) of this state and its children, in the order
     * of {@link #scalars()} (a chain's parts in order; a partition's branches in the order given). Each
     * cell is live: writing element 0 changes the rate the next step uses.
     */
    public java.util.List<double[]> learningRates() {
        java.util.List<double[]> out = new java.util.ArrayList<>();
        collectLearningRates(out);
        return out;
    }

    private void collectLearningRates(java.util.List<double[]> out) {
        if (learningRate != null) out.add(learningRate);
        for (OptState c : children.values()) c.collectLearningRates(out);
    }

    public boolean has(String name) { return scalars.containsKey(name); }

    public double get(String name) {
        double[] v = scalars.get(name);
        if (v == null) throw new IllegalArgumentException("no hyperparameter or counter '" + name + "'; have " + scalars.keySet());
        return v[0];
    }

    public void set(String name, double value) {
        double[] v = scalars.get(name);
        if (v == null) throw new IllegalArgumentException("no hyperparameter or counter '" + name + "'; have " + scalars.keySet());
        v[0] = value;
    }

    /** Adds one to a counter and returns the new value. */
    public long increment(String name) {
        double[] v = scalars.get(name);
        v[0] += 1;
        return (long) v[0];
    }

    public OptState addChild(String name, OptState child) {
        if (children.containsKey(name)) throw new IllegalStateException("child state '" + name + "' defined twice");
        children.put(name, child);
        return child;
    }

    public OptState child(String name) {
        OptState c = children.get(name);
        if (c == null) throw new IllegalStateException("no child state '" + name + "'");
        return c;
    }

    public Map<String, OptState> children() { return Collections.unmodifiableMap(children); }

    /**
     * A per-state cache for derived structure (a partition's parameter subsets, scratch matrices),
     * never exported: computed once, reused every step so that steps do not allocate.
     */
    @SuppressWarnings("unchecked")
    public <T> T cached(Object key, java.util.function.Supplier<T> make) {
        return (T) cache.computeIfAbsent(key, k -> make.get());
    }

    /** The value {@link #cached} holds under {@code key}, or null (a lookup that allocates nothing). */
    @SuppressWarnings("unchecked")
    public <T> T cachedOrNull(Object key) {
        return (T) cache.get(key);
    }

    /** Every buffer, as 1-D tensors under dotted names ({@code child.name}). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectTensors("", out);
        return out;
    }

    private void collectTensors(String prefix, Map<String, Tensor> out) {
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), Tensor.of(e.getValue(), e.getValue().length));
        for (var e : children.entrySet()) e.getValue().collectTensors(prefix + e.getKey() + ".", out);
    }

    /** Every scalar (counters and hyperparameters) under dotted names. */
    public Map<String, Double> scalars() {
        Map<String, Double> out = new LinkedHashMap<>();
        collectScalars("", out);
        return out;
    }

    private void collectScalars(String prefix, Map<String, Double> out) {
        for (var e : scalars.entrySet()) out.put(prefix + e.getKey(), e.getValue()[0]);
        for (var e : children.entrySet()) e.getValue().collectScalars(prefix + e.getKey() + ".", out);
    }

    /** Finds a scalar by dotted path, or by its last name when it is unique in the tree. */
    public double[] find(String name) {
        Map<String, double[]> all = new LinkedHashMap<>();
        collectRefs("", all);
        double[] exact = all.get(name);
        if (exact != null) return exact;
        double[] found = null;
        for (var e : all.entrySet()) {
            if (e.getKey().equals(name) || e.getKey().endsWith("." + name)) {
                if (found != null) throw new IllegalArgumentException("'" + name + "' is ambiguous; use its full path among " + all.keySet());
                found = e.getValue();
            }
        }
        if (found == null) throw new IllegalArgumentException("no hyperparameter '" + name + "'; have " + all.keySet());
        return found;
    }

    private void collectRefs(String prefix, Map<String, double[]> out) {
        for (var e : scalars.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectRefs(prefix + e.getKey() + ".", out);
    }

    /** Puts back state exported by {@link #tensors()} and {@link #scalars()}; names and sizes must match. */
    public void restore(Map<String, Tensor> tensors, Map<String, Double> scalarValues) {
        for (var e : tensors().entrySet()) {
            Tensor src = tensors.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("saved optimizer state lacks buffer '" + e.getKey() + "'");
            if (src.size() != e.getValue().size()) {
                throw new IllegalArgumentException("saved buffer '" + e.getKey() + "' has " + src.size() + " values, expected " + e.getValue().size());
            }
            e.getValue().copyFrom(src);
        }
        Map<String, double[]> refs = new LinkedHashMap<>();
        collectRefs("", refs);
        for (var e : refs.entrySet()) {
            Double v = scalarValues.get(e.getKey());
            if (v == null) throw new IllegalArgumentException("saved optimizer state lacks scalar '" + e.getKey() + "'");
            e.getValue()[0] = v;
        }
    }
}
