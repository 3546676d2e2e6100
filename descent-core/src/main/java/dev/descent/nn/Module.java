package dev.descent.nn;

import dev.descent.tensor.VectorSupport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node in a model tree (as {@code torch.nn.Module}): it registers parameters and child modules
 * under local names, and the tree gives every parameter a dotted name ({@code transformer.h.0.attn.c_attn.weight}).
 * Registration order is the order of {@code named_parameters()} and of the flat buffer.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

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

    /** Every parameter with its dotted name, depth-first in registration order (shared parameters once). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Parameter> out, java.util.Set<Parameter> seen) {
        for (var e : parameters.entrySet()) {
            if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out, seen);
    }

    /** Child modules by local name. */
    public Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** Training mode (dropout active) or evaluation mode, for this module and its children. */
    public void train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
    }

    public boolean isTraining() { return training; }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.size();
        return n;
    }
}
