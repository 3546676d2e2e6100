package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with the exact
 * semantics of {@code torch.optim.AdamW} (amsgrad=False, maximize=False), fused into one pass over
 * the flat parameter, gradient and moment buffers.
 *
 * <p>At step t (t = 1 first), for every element, with decay λ only on parameters in the decay set:
 * <pre>
 *   θ ← θ (1 − η λ)
 *   m ← m + (1 − β₁)(g − m)        (torch's lerp form of β₁ m + (1 − β₁) g)
 *   v ← β₂ v + (1 − β₂) g²
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Defaults are PyTorch's: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2. The decay set defaults
 * to nanoGPT's rule: parameters of rank ≥ 2 decay, biases and gains do not. State: m and v, 8 bytes
 * per parameter.
 */
public final class AdamW implements Optimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final FlatParameters params;
    private final float[] m;
    private final float[] v;
    private final boolean[] decays;
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long t;

    public AdamW(FlatParameters params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 Predicate<Parameter> decay) {
        Hyper.nonNegative("lr", lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.nonNegative("eps", eps);
        Hyper.nonNegative("weight_decay", weightDecay);
        this.params = params;
        this.m = new float[params.size()];
        this.v = new float[params.size()];
        List<Parameter> list = params.list();
        this.decays = new boolean[list.size()];
        for (int i = 0; i < list.size(); i++) decays[i] = decay.test(list.get(i));
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** nanoGPT's decay rule: every parameter of rank ≥ 2 decays. */
    public static AdamW nanoGpt(FlatParameters params, double lr, double beta1, double beta2, double weightDecay) {
        return new AdamW(params, lr, beta1, beta2, 1e-8, weightDecay, p -> p.rank() >= 2);
    }

    @Override
    public void step() {
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float e = (float) eps;
        float decayFactor = (float) (1 - lr * weightDecay);
        float[] p = params.values();
        float[] g = params.grads();
        List<Parameter> list = params.list();
        int count = list.size();
        // Split the flat buffer, not the parameter list, so the threads get equal work.
        Parallel.forRange(p.length, 1 << 15, (from, to) -> {
            for (int i = 0; i < count; i++) {
                int start = Math.max(from, params.offset(i));
                int end = Math.min(to, params.offset(i) + list.get(i).size());
                if (start >= end) continue;
                kernel(p, g, m, v, start, end, decays[i] ? decayFactor : 1f, b1, b2, stepSize, bc2Sqrt, e);
            }
        });
    }

    static void kernel(float[] p, float[] g, float[] m, float[] v, int from, int to, float decayFactor,
                       float b1, float b2, float stepSize, float bc2Sqrt, float eps) {
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector m0 = FloatVector.fromArray(S, m, i);
            FloatVector mv = gv.sub(m0).mul(c1).add(m0);
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(b2).add(gv.mul(gv).mul(c2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            FloatVector pv = FloatVector.fromArray(S, p, i).mul(decayFactor);
            pv.sub(mv.div(denom).mul(stepSize)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * c1;
            float vi = v[i] * b2 + gi * gi * c2;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[i] = p[i] * decayFactor - (mi / denom) * stepSize;
        }
    }

    @Override
    public void zeroGrad() { params.zeroGrad(); }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double lr) {
        Hyper.nonNegative("lr", lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() { return t; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (int i = 0; i < params.list().size(); i++) {
            Parameter p = params.list().get(i);
            s.put(p.name() + ".exp_avg", Tensor.view(m, params.offset(i), p.shape()));
            s.put(p.name() + ".exp_avg_sq", Tensor.view(v, params.offset(i), p.shape()));
        }
        return s;
    }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) t);
        s.put("lr", lr);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state, Map<String, Double> scalars) {
        Double steps = scalars.get("step");
        if (steps == null) throw new IllegalArgumentException("optimizer state is missing the scalar 'step'");
        for (var e : state().entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("optimizer state is missing '" + e.getKey() + "'");
            if (!src.sameShape(e.getValue())) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(src.shape()) + ", expected " + java.util.Arrays.toString(e.getValue().shape()));
            }
            e.getValue().copyFrom(src);
        }
        this.t = steps.longValue();
        if (scalars.containsKey("lr")) this.lr = scalars.get("lr");
    }

    @Override
    public String name() { return "adamw"; }
}
