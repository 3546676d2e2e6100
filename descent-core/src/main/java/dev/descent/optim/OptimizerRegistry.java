package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Optimizers by name, for the CLI, configs and the shared test battery. */
public final class OptimizerRegistry {
    /** The families registered by default (each must be on the classpath); a new family is added here. */
    private static final List<String> FAMILIES = List.of(
            "dev.descent.optim.ClassicOptimizers",
            "dev.descent.optim.MatrixOptimizers",
            "dev.descent.optim.SeedOptimizers",
            "dev.descent.optim.SophiaOptimizers",
            "dev.descent.zo.ZerothOrderOptimizers",
            "dev.descent.zo.ZovhOptimizers",
            "dev.descent.zo.DeepZeroOptimizers");

    private static volatile OptimizerRegistry defaults;

    private final Map<String, OptimizerInfo> entries = new LinkedHashMap<>();

    /** The registry with every default family. */
    public static OptimizerRegistry defaults() {
        OptimizerRegistry r = defaults;
        if (r == null) {
            r = new OptimizerRegistry();
            for (String f : FAMILIES) {
                try {
                    Class<?> c = Class.forName(f);
                    ((OptimizerFamily) c.getDeclaredConstructor().newInstance()).register(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot register optimizer family " + f, e);
                }
            }
            defaults = r;
        }
        return r;
    }

    /**
     * The default optimizers grouped by the family that registers them, in registration order: family
     * name (the family class's simple name without "Optimizers": Classic, Matrix, Seed, Sophia,
     * ZerothOrder, Zovh, DeepZero) to optimizer names. Reports group their charts by it.
     */
    public static Map<String, List<String>> defaultFamilies() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String f : FAMILIES) {
            OptimizerRegistry r = new OptimizerRegistry();
            try {
                ((OptimizerFamily) Class.forName(f).getDeclaredConstructor().newInstance()).register(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot register optimizer family " + f, e);
            }
            out.put(f.substring(f.lastIndexOf('.') + 1).replaceFirst("Optimizers$", ""), List.copyOf(r.entries.keySet()));
        }
        return out;
    }

    public void add(OptimizerInfo info) {
        if (entries.putIfAbsent(info.name(), info) != null) throw new IllegalStateException("optimizer '" + info.name() + "' registered twice");
    }

    public OptimizerInfo info(String name) {
        OptimizerInfo i = entries.get(name);
        if (i == null) throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid: " + String.join(", ", entries.keySet()));
        return i;
    }

    public Collection<OptimizerInfo> all() { return Collections.unmodifiableCollection(entries.values()); }

    public boolean contains(String name) { return entries.containsKey(name); }

    /** Builds {@code name} over a parameter set, without curvature estimators; unknown hyperparameter names are refused. */
    public Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper) {
        return create(name, params, grads, hyper, Curvature.NONE);
    }

    /**
     * Builds {@code name} over a parameter set with the curvature estimators of the loss (typically
     * {@code objective.curvature()}), which only Sophia uses; unknown hyperparameter names are refused.
     */
    public Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper, Curvature curvature) {
        Optimizer o = info(name).factory().create(params, grads, hyper, java.util.Objects.requireNonNull(curvature, "curvature"));
        hyper.checkAllUsed(name);
        return o;
    }

    /** Builds {@code name} over a model's parameters. */
    public Optimizer create(String name, FlatParameters model, HyperParams hyper) {
        return create(name, ParamSet.of(model), model.grads(), hyper);
    }
}
