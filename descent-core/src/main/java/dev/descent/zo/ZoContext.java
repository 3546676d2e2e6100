package dev.descent.zo;

import dev.descent.optim.ThreadScoped;

/**
 * The objective that zeroth-order optimizers built <em>by name</em> (through the optimizer registry)
 * evaluate, since an optimizer factory receives only parameters, gradients and hyperparameters.
 * Whoever owns the loss sets it around the registry call, on the same thread:
 * <pre>
 *   try (var scope = ZoContext.use(problemInstance::loss)) {
 *       opt = OptimizerRegistry.defaults().create("mezo", params, grads, hyper);
 *   }
 *   // opt keeps the objective it captured; the scope may close before training
 * </pre>
 * Scopes nest; closing one restores the previous setting. This mirrors
 * {@link dev.descent.optim.CurvatureContext} for Sophia's curvature estimators.
 */
public final class ZoContext {
    /** Restores the previous setting when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final ThreadScoped<ZoObjective> CURRENT = new ThreadScoped<>();

    private ZoContext() {}

    /** Sets the objective for optimizers built on this thread until the returned scope closes. */
    public static Scope use(ZoObjective objective) {
        return CURRENT.set(objective)::run;
    }

    /** The current objective, or null when none is set on this thread. */
    public static ZoObjective current() { return CURRENT.get(); }

    /** The current objective; fails naming the optimizer and the fix when none is set. */
    public static ZoObjective require(String optimizer) {
        ZoObjective o = CURRENT.get();
        if (o == null) {
            throw new IllegalStateException(optimizer + " is a zeroth-order optimizer and needs the loss: set it with "
                    + "ZoContext.use(objective) around the registry call");
        }
        return o;
    }
}
