package dev.descent.optim;

import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Reductions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Gradient transformations and their combinators (optax's {@code chain}, {@code partition},
 * {@code masked}, {@code scale_by_learning_rate}, {@code add_decayed_weights}, {@code trace},
 * {@code clip_by_global_norm} (with torch's 1e-6), {@code clip}, {@code apply_if_finite}, {@code MultiSteps}, …).
 * Each keeps its hyperparameters in its state under the names given in its Javadoc.
 */
public final class Transforms {
    private Transforms() {}

    // ---------------------------------------------------------------- combinators

    /** Applies the transformations in order; their states are children "0", "1", …. */
    public static GradientTransformation chain(GradientTransformation... parts) {
        Map<String, GradientTransformation> named = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) named.put(Integer.toString(i), parts[i]);
        return namedChain(named);
    }

    /** Applies the transformations in order; each state is the child under its name. */
    public static GradientTransformation namedChain(Map<String, GradientTransformation> parts) {
        Map<String, GradientTransformation> copy = new LinkedHashMap<>(parts);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState s = new OptState();
                for (var e : copy.entrySet()) s.addChild(e.getKey(), e.getValue().init(params));
                return s;
            }

            @Override
            public void update(float[] updates, OptState state, ParamSet params) {
                for (var e : copy.entrySet()) e.getValue().update(updates, state.child(e.getKey()), params);
            }
        };
    }

    /**
     * Routes each parameter to the transformation named by {@code label} (e.g. hidden matrices →
     * "muon", the rest → "adamw"); each branch sees only its parameters and keeps state only for them.
     */
    public static GradientTransformation partition(Function<ParamSlot, String> label, Map<String, GradientTransformation> branches) {
        Map<String, GradientTransformation> copy = new LinkedHashMap<>(branches);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState s = new OptState();
                for (ParamSlot p : params.slots()) {
                    String l = label.apply(p);
                    if (!copy.containsKey(l)) {
                        throw new IllegalArgumentException("parameter " + p.name() + " is labelled '" + l + "', which has no transformation; have " + copy.keySet());
                    }
                }
                for (var e : copy.entrySet()) {
                    ParamSet sub = subset(params, e.getKey());
                    s.addChild(e.getKey(), e.getValue().init(sub));
                }
                return s;
            }

            private ParamSet subset(ParamSet params, String name) {
                return params.subset(p -> label.apply(p).equals(name));
            }

            @Override
            public void update(float[] updates, OptState state, ParamSet params) {
                for (var e : copy.entrySet()) {
                    String name = e.getKey();
                    ParamSet sub = state.cached(e.getValue(), () -> subset(params, name));
                    e.getValue().update(updates, state.child(name), sub);
                }
            }
        };
    }

    /** Applies {@code inner} to the parameters where {@code mask} holds; the others' updates pass unchanged. */
    public static GradientTransformation masked(Predicate<ParamSlot> mask, GradientTransformation inner) {
        return partition(p -> mask.test(p) ? "masked" : "unmasked", Map.of("masked", inner, "unmasked", identity()));
    }

    /** Leaves updates unchanged. */
    public static GradientTransformation identity() {
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) { return new OptState(); }

            @Override
            public void update(float[] updates, OptState state, ParamSet params) {}
        };
    }

    // ---------------------------------------------------------------- scaling

    /** u ← s·u. State: {@code scale}. */
    public static GradientTransformation scale(double s) {
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("scale", s);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float f = (float) state.get("scale");
                params.forEachPiece((slot, off, so, n) -> Elementwise.scale(f, u, off, n));
            }
        };
    }

    /**
     * u ← −η_t·u with η_t = {@code schedule.at(count)} (optax.scale_by_learning_rate). State: {@code lr}
     * (the rate used by the latest step, or the constant rate; settable when the schedule is constant)
     * and {@code count}.
     */
    public static GradientTransformation scaleByLearningRate(Schedule schedule) {
        return scaleByLearningRate(schedule, false);
    }

    /** Constant learning rate η, read from the state each step (so it can be changed between steps). */
    public static GradientTransformation scaleByLearningRate(double lr) {
        Hyper.nonNegative("lr", lr);
        return scaleByLearningRate(Schedules.constant(lr), true);
    }

    private static GradientTransformation scaleByLearningRate(Schedule schedule, boolean constant) {
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.defineLearningRate(schedule.at(0));
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long count = (long) state.get("count");
                if (!constant) state.set("lr", schedule.at(count));
                float f = (float) -state.get("lr");
                params.forEachPiece((slot, off, so, n) -> Elementwise.scale(f, u, off, n));
                state.set("count", count + 1);
            }
        };
    }

    /**
     * u ← u + λ·θ on the parameters where {@code mask} holds (optax.add_decayed_weights; followed by
     * the learning-rate scaling this is AdamW's decoupled decay). State: {@code weight_decay}.
     */
    public static GradientTransformation addDecayedWeights(double weightDecay, Predicate<ParamSlot> mask) {
        Hyper.nonNegative("weight_decay", weightDecay);
        return masked(mask, new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("weight_decay", weightDecay);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float wd = (float) state.get("weight_decay");
                if (wd == 0) return;
                float[] p = params.values();
                params.forEachPiece((slot, off, so, n) -> Elementwise.axpy(wd, p, off, u, off, n));
            }
        });
    }

    /**
     * Momentum (optax.trace): {@code t ← μ·t + u}; the update is {@code t}, or {@code μ·t + u} with
     * Nesterov. State: buffer {@code trace}, scalars {@code momentum}, {@code nesterov} (0/1).
     */
    public static GradientTransformation trace(double momentum, boolean nesterov) {
        Hyper.unitInterval("momentum", momentum);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("trace", params.elements());
                st.define("momentum", momentum);
                st.define("nesterov", nesterov ? 1 : 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float mu = (float) state.get("momentum");
                boolean nest = state.get("nesterov") != 0;
                float[] t = state.buffer("trace");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float ti = mu * t[so + i] + u[off + i];
                        t[so + i] = ti;
                        u[off + i] = nest ? mu * ti + u[off + i] : ti;
                    }
                });
            }
        };
    }

    // ---------------------------------------------------------------- clipping and guards

    /**
     * Global-norm clipping with the semantics of torch.nn.utils.clip_grad_norm_ (the trainer's
     * {@code grad_clip}, nanoGPT's): with ‖u‖ the L2 norm over this set, every update is scaled by
     * {@code coef = max/(‖u‖ + 1e-6)} when {@code coef < 1} ({@link #clipGlobalNorm(float[], ParamSet, double)}).
     * optax.clip_by_global_norm differs only in the 1e-6 (it scales by max/‖u‖ when ‖u‖ &gt; max); torch's
     * form is kept so that a clipping transformation and the training loop clip alike.
     * State: {@code max_norm}, {@code last_norm} (the norm before clipping).
     */
    public static GradientTransformation clipByGlobalNorm(double maxNorm) {
        Hyper.positive("max_norm", maxNorm);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("max_norm", maxNorm);
                st.define("last_norm", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                int[] runs = state.cached(this, () -> contiguousRuns(params));
                state.set("last_norm", clipGlobalNorm(u, runs, state.get("max_norm")));
            }
        };
    }

    /**
     * torch.nn.utils.clip_grad_norm_ on a whole buffer: ‖g‖ over all of {@code g}, then every element
     * scaled by {@code (float) (max/(‖g‖ + 1e-6))} when that is below 1. Returns ‖g‖ (before clipping).
     */
    public static double clipGlobalNorm(float[] g, double max) {
        return clipGlobalNorm(g, new int[] {0, g.length}, max);
    }

    /** {@link #clipGlobalNorm(float[], double)} over the elements of {@code params}' slots only. */
    public static double clipGlobalNorm(float[] g, ParamSet params, double max) {
        return clipGlobalNorm(g, contiguousRuns(params), max);
    }

    /**
     * The slots as maximal contiguous ranges {@code [from₀, to₀, from₁, to₁, …)} of the buffer, so that a
     * whole model is one range: its norm is then one parallel reduction, the same bits as over the buffer.
     */
    static int[] contiguousRuns(ParamSet params) {
        int[] r = new int[2 * params.slots().size()];
        int n = 0;
        for (ParamSlot s : params.slots()) {
            if (n > 0 && r[n - 1] == s.offset()) {
                r[n - 1] += s.size();
            } else {
                r[n++] = s.offset();
                r[n++] = s.offset() + s.size();
            }
        }
        return Arrays.copyOf(r, n);
    }

    /** The one implementation of the clip: norm over the ranges, then the scaling (see {@link #clipGlobalNorm(float[], double)}). */
    private static double clipGlobalNorm(float[] g, int[] runs, double max) {
        double sq = 0;
        for (int i = 0; i < runs.length; i += 2) sq += Reductions.sumOfSquaresParallel(g, runs[i], runs[i + 1] - runs[i]);
        double norm = Math.sqrt(sq);
        double coef = max / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (int i = 0; i < runs.length; i += 2) {
                int from = runs[i];
                Parallel.forRange(runs[i + 1] - from, 1 << 15, (a, b) -> Elementwise.scale(c, g, from + a, b - a));
            }
        }
        return norm;
    }

    /** Clips each update element to [−δ, δ] (optax.clip). State: {@code max_delta}. */
    public static GradientTransformation clip(double maxDelta) {
        Hyper.positive("max_delta", maxDelta);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("max_delta", maxDelta);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float d = (float) state.get("max_delta");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = off; i < off + n; i++) u[i] = Math.max(-d, Math.min(d, u[i]));
                });
            }
        };
    }

    /**
     * Skips the step when any incoming update is NaN or ±∞ (optax.apply_if_finite): the updates
     * become zero and {@code inner}'s state is left as it was. State: {@code notfinite_count},
     * {@code total_notfinite}, child {@code inner}.
     */
    public static GradientTransformation skipNonFinite(GradientTransformation inner) {
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("notfinite_count", 0);
                st.define("total_notfinite", 0);
                st.addChild("inner", inner.init(params));
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                boolean finite = true;
                for (ParamSlot s : params.slots()) {
                    if (!Reductions.allFinite(u, s.offset(), s.size())) {
                        finite = false;
                        break;
                    }
                }
                if (!finite) {
                    for (ParamSlot s : params.slots()) Arrays.fill(u, s.offset(), s.offset() + s.size(), 0f);
                    state.increment("notfinite_count");
                    state.increment("total_notfinite");
                    return;
                }
                state.set("notfinite_count", 0);
                inner.update(u, state.child("inner"), params);
            }
        };
    }

    /**
     * Gradient accumulation over {@code k} micro-steps (optax.MultiSteps): the first k−1 calls add
     * the gradients into a buffer and emit zero updates; the k-th emits {@code inner}'s update of the
     * mean gradient. State: buffer {@code acc}, scalars {@code every_k}, {@code mini_step}, child {@code inner}.
     */
    public static GradientTransformation accumulate(int k, GradientTransformation inner) {
        Hyper.positiveCount("every_k", k);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("acc", params.elements());
                st.define("every_k", k);
                st.define("mini_step", 0);
                st.addChild("inner", inner.init(params));
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                int every = (int) state.get("every_k");
                float[] acc = state.buffer("acc");
                long mini = state.increment("mini_step");
                params.forEachPiece((slot, off, so, n) -> Elementwise.addInPlace(u, off, acc, so, n));
                if (mini < every) {
                    params.forEachPiece((slot, off, so, n) -> Arrays.fill(u, off, off + n, 0f));
                    return;
                }
                float inv = 1f / every;
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        u[off + i] = acc[so + i] * inv;
                        acc[so + i] = 0f;
                    }
                });
                state.set("mini_step", 0);
                inner.update(u, state.child("inner"), params);
            }
        };
    }

    // ---------------------------------------------------------------- parameter averaging

    /**
     * Keeps an exponential moving average of the parameters <em>after</em> each update,
     * {@code ema ← d·ema + (1 − d)·(θ + u)} (the EMA of weights used for evaluation; it does not change
     * the updates). State: buffer {@code ema} (initialised to θ₀), scalars {@code decay}, {@code count}.
     * Read it with {@link #emaValues}.
     */
    public static GradientTransformation parameterEma(double decay) {
        Hyper.closedUnitInterval("decay", decay);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                float[] ema = st.newBuffer("ema", params.elements());
                float[] p = params.values();
                for (ParamSlot s : params.slots()) System.arraycopy(p, s.offset(), ema, s.stateOffset(), s.size());
                st.define("decay", decay);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float d = (float) state.get("decay");
                float[] ema = state.buffer("ema");
                float[] p = params.values();
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) ema[so + i] = d * ema[so + i] + (1 - d) * (p[off + i] + u[off + i]);
                });
                state.increment("count");
            }
        };
    }

    /** The averaged parameters of a {@link #parameterEma} state, in the set's state layout. */
    public static float[] emaValues(OptState emaState) {
        return emaState.buffer("ema");
    }

    /**
     * Lookahead (Zhang et al., "Lookahead Optimizer: k steps forward, 1 step back", NeurIPS 2019): the
     * {@code inner} ("fast") optimizer runs; every {@code k} steps the slow weights move
     * {@code φ ← φ + α(θ − φ)} and the fast weights are reset to φ. Expressed as an update: on a sync
     * step the update sets θ + u to the new φ. State: buffer {@code slow}, scalars {@code sync_period},
     * {@code alpha}, {@code count}, child {@code inner}. (optax.lookahead keeps both weight sets in the
     * parameters instead; here the parameters are the fast weights.)
     */
    public static GradientTransformation lookahead(GradientTransformation inner, int k, double alpha) {
        Hyper.positiveCount("sync_period", k);
        Hyper.closedUnitInterval("alpha", alpha);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                float[] slow = st.newBuffer("slow", params.elements());
                float[] p = params.values();
                for (ParamSlot s : params.slots()) System.arraycopy(p, s.offset(), slow, s.stateOffset(), s.size());
                st.define("sync_period", k);
                st.define("alpha", alpha);
                st.define("count", 0);
                st.addChild("inner", inner.init(params));
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                inner.update(u, state.child("inner"), params);
                long count = state.increment("count");
                if (count % (long) state.get("sync_period") != 0) return;
                float a = (float) state.get("alpha");
                float[] slow = state.buffer("slow");
                float[] p = params.values();
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float fast = p[off + i] + u[off + i];
                        float phi = slow[so + i] + a * (fast - slow[so + i]);
                        slow[so + i] = phi;
                        u[off + i] = phi - p[off + i];
                    }
                });
            }
        };
    }

}
