package dev.descent.nn;

import dev.descent.tensor.VectorSupport;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A node in a model tree (as {@code torch.nn.Module}): it registers parameters and child modules
 * under local names, and the tree gives every parameter a dotted name ({@code transformer.h.0.attn.c_attn.weight}).
 * Registration order is the order of {@code named_parameters()} and of the flat buffers.
 *
 * <p>A model is built as a tree first and flattened afterwards, by whoever trains it:
 * <pre>
 *   Gpt gpt = new Gpt(config, seed);                        // the tree, initialised
 *   gpt.replace("transformer.h.0.attn.c_attn", adapter);     // wrap or swap modules
 *   gpt.freeze((name, p) -&gt; !name.contains("lora"));         // choose what trains
 *   FlatParameters params = gpt.flatten();                   // trainable and frozen buffers
 * </pre>
 * After flattening the tree's parameters are fixed: replacing modules or freezing parameters is
 * refused with an error that says so.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private FlatParameters flat;

    protected Module() {
        VectorSupport.require();
    }

    /** Registers a new zero-initialised parameter under {@code name} with the role this module gives it. */
    protected Parameter parameter(String name, ParameterRole role, int... shape) {
        checkName(name);
        Parameter p = new Parameter(name, role, shape);
        parameters.put(name, p);
        return p;
    }

    /** Registers {@code child} under {@code name} and returns it. */
    protected <M extends Module> M module(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module or parameter name '" + name + "'");
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' registered twice");
        }
    }

    /** The child registered under {@code name}, which must be a {@code type}. */
    protected <M> M child(String name, Class<M> type) {
        Module m = children.get(name);
        if (m == null) throw new IllegalStateException("no child module '" + name + "'; have " + children.keySet());
        if (!type.isInstance(m)) {
            throw new IllegalStateException("child module '" + name + "' is a " + m.getClass().getSimpleName() + ", expected a " + type.getSimpleName());
        }
        return type.cast(m);
    }

    /** The child registered under {@code name} as a {@link Layer} (what a parent calls in its forward). */
    protected Layer layer(String name) {
        return child(name, Layer.class);
    }

    /** Every parameter with its dotted name, depth-first in registration order (shared parameters once). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Parameter> out, Set<Parameter> seen) {
        for (var e : parameters.entrySet()) {
            if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out, seen);
    }

    /** Child modules by local name. */
    public Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** The module at dotted {@code path} below this one ({@code "transformer.h.0.attn"}). */
    public Module get(String path) {
        Module m = this;
        String at = "";
        for (String part : path.split("\\.", -1)) {
            Module next = m.children.get(part);
            if (next == null) {
                throw new IllegalArgumentException("no module '" + (at.isEmpty() ? part : at + "." + part) + "'; "
                        + (at.isEmpty() ? "top-level modules" : "children of '" + at + "'") + ": " + m.children.keySet());
            }
            m = next;
            at = at.isEmpty() ? part : at + "." + part;
        }
        return m;
    }

    /**
     * Replaces the module at dotted {@code path} by {@code replacement} (same name, same place in the
     * order) and returns the module it replaced; allowed only before flattening. The replacement takes
     * the replaced module's training mode. A replaced {@link Layer} must be replaced by a {@code Layer},
     * since its parent calls it as one.
     */
    public Module replace(String path, Module replacement) {
        requireNotFlattened("replace module '" + path + "'");
        int dot = path.lastIndexOf('.');
        Module parent = dot < 0 ? this : get(path.substring(0, dot));
        String local = path.substring(dot + 1);
        Module old = parent.get(local);
        if (replacement.isFlattened()) throw new IllegalArgumentException("the replacement for '" + path + "' is already flattened");
        for (Class<?> kind : old.getClass().getInterfaces()) {
            if (kind.getPackage() == Layer.class.getPackage() && !kind.isInstance(replacement)) {
                throw new IllegalArgumentException("module '" + path + "' is a " + kind.getSimpleName() + "; its replacement "
                        + replacement.getClass().getSimpleName() + " is not");
            }
        }
        replacement.train(old.isTraining());
        parent.children.put(local, replacement);
        parent.replaced(local, old, replacement);
        return old;
    }

    /** Called after the child {@code name} was replaced (a container keeps its own index in step). */
    void replaced(String name, Module old, Module replacement) {}

    /** Makes every parameter of this module and its children trainable ({@code true}) or frozen ({@code false}). */
    public void requiresGrad(boolean on) {
        requireNotFlattened(on ? "unfreeze parameters" : "freeze parameters");
        for (Parameter p : namedParameters().values()) p.requiresGrad(on);
    }

    /**
     * Freezes every parameter for which {@code which} holds, given its dotted name below this module
     * and the parameter (for its role); returns how many were frozen. Allowed only before flattening.
     */
    public int freeze(BiPredicate<String, Parameter> which) {
        requireNotFlattened("freeze parameters");
        int n = 0;
        for (var e : namedParameters().entrySet()) {
            if (which.test(e.getKey(), e.getValue())) {
                e.getValue().requiresGrad(false);
                n++;
            }
        }
        return n;
    }

    /**
     * Flattens the model: trainable parameters into one value and one gradient buffer, frozen ones
     * into a value buffer of their own (see {@link FlatParameters}), each named by its dotted path.
     * The first call decides; later calls return the same buffers.
     */
    public final FlatParameters flatten() {
        if (flat == null) flat = new FlatParameters(namedParameters());
        return flat;
    }

    /** True once this module's parameters belong to flat buffers (this module or a parent was flattened). */
    public boolean isFlattened() {
        if (flat != null) return true;
        for (Parameter p : namedParameters().values()) if (p.isFlattened()) return true;
        return false;
    }

    private void requireNotFlattened(String what) {
        if (isFlattened()) throw new IllegalStateException("cannot " + what + ": the model is already flattened; do it before flatten()");
    }

    /** Training mode (dropout active) or evaluation mode, for this module and its children. */
    public void train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
    }

    public boolean isTraining() { return training; }

    /** Number of scalar parameters (trainable and frozen). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.size();
        return n;
    }
}
