package dev.descent.optim;

import dev.descent.linalg.PolarFactor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The momentum every matrix method of this package shares ({@link Muon}, {@link Auon}, {@link HybridAuon},
 * {@link Reg}, {@link SteepestDescent}), and the branch layout they are applied in.
 *
 * <ul>
 *   <li>{@link #momentumThen}: torch's lerp-form momentum with an optional Nesterov blend, then a
 *       per-parameter {@link Direction} that sees each parameter as its rows×cols matrix view;</li>
 *   <li>{@link #matrixBranch}: {@code namedChain(direction, decay, lr)} — the direction O, then decoupled
 *       weight decay u = O + λθ, then u ← −η u, so θ ← θ(1 − ηλ) − η O exactly as the references write it.
 *       The learning rate is the state scalar {@code lr.lr} of the branch.</li>
 * </ul>
 */
final class MatrixMomentum {
    private MatrixMomentum() {}

    /** What a direction does to one parameter after momentum: u[off..off+size) ← direction(u). */
    @FunctionalInterface
    interface Direction {
        void apply(ParamSlot slot, float[] u, int off, OptState state, Scratch scratch);
    }


    /** Per-state scratch (created on the first step, reused after): float64 copy, NS and SVD workspaces. */
    static final class Scratch {
        final ParamSet params;
        final double[] d;
        NewtonSchulz ns;
        PolarFactor polar;

        Scratch(ParamSet params) {
            this.params = params;
            int max = 1;
            for (ParamSlot s : params.slots()) max = Math.max(max, s.size());
            this.d = new double[max];
        }

        NewtonSchulz ns() {
            if (ns == null) ns = NewtonSchulz.forParams(params);
            return ns;
        }

        PolarFactor polar() {
            if (polar == null) polar = new PolarFactor();
            return polar;
        }

        void load(float[] u, int off, int n) {
            for (int i = 0; i < n; i++) d[i] = u[off + i];
        }

        void store(float[] u, int off, int n) {
            for (int i = 0; i < n; i++) u[off + i] = (float) d[i];
        }
    }


    private static final Object SCRATCH = new Object();

    /**
     * Momentum in torch's lerp form, then the direction, per parameter:
     * <pre>
     *   M ← M + (1 − β)(g − M)                     (= β M + (1 − β) g)
     *   U = g + β (M − g) if nesterov, else M      (= (1 − β) g + β M; the reference's grad.lerp_(M, β))
     *   u = direction(U)
     * </pre>
     * State: buffer {@code momentum_buffer}, scalars {@code momentum}, {@code nesterov} (0/1) and the
     * direction's own {@code extra} scalars.
     */
    static GradientTransformation momentumThen(double momentum, boolean nesterov, Map<String, Double> extra, Direction dir) {
        Hyper.unitInterval("momentum", momentum);
        Map<String, Double> ex = new LinkedHashMap<>(extra);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("momentum_buffer", params.elements());
                st.define("momentum", momentum);
                st.define("nesterov", nesterov ? 1 : 0);
                for (var e : ex.entrySet()) st.define(e.getKey(), e.getValue());
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float beta = (float) state.get("momentum");
                float c1 = 1 - beta;
                boolean nest = state.get("nesterov") != 0;
                float[] m = state.buffer("momentum_buffer");
                Scratch scratch = state.cached(SCRATCH, () -> new Scratch(params));
                for (ParamSlot s : params.slots()) {
                    int off = s.offset();
                    int so = s.stateOffset();
                    for (int i = 0; i < s.size(); i++) {
                        float g = u[off + i];
                        float mi = m[so + i] + (g - m[so + i]) * c1;
                        m[so + i] = mi;
                        u[off + i] = nest ? g + (mi - g) * beta : mi;
                    }
                    dir.apply(s, u, off, state, scratch);
                }
            }
        };
    }


    /** chain(direction, decoupled decay on every parameter, −η) with readable state names. */
    static GradientTransformation matrixBranch(GradientTransformation direction, double weightDecay, double lr) {
        Map<String, GradientTransformation> parts = new LinkedHashMap<>();
        parts.put("direction", direction);
        parts.put("decay", Transforms.addDecayedWeights(weightDecay, p -> true));
        parts.put("lr", Transforms.scaleByLearningRate(lr));
        return Transforms.namedChain(parts);
    }
}
