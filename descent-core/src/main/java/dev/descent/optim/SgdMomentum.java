package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stochastic gradient descent with the exact semantics of {@code torch.optim.SGD} (maximize=False),
 * fused into one pass over the flat parameter, gradient and momentum buffers. At step t (t = 1
 * first), for every element, with d = g + λθ (coupled decay):
 * <pre>
 *   b ← d  (t = 1),   b ← μ b + (1 − τ) d  (t &gt; 1)
 *   d ← d + μ b  (Nesterov)  or  d ← b
 *   θ ← θ − η d
 * </pre>
 * Without momentum (μ = 0) there is no buffer: θ ← θ − η (g + λθ). Defaults are PyTorch's: η = 1e-3,
 * μ = 0, dampening τ = 0, λ = 0, Nesterov off; Nesterov needs μ &gt; 0 and τ = 0. The term λθ + g is
 * one fused multiply-add. State: {@code <name>.momentum_buffer} (4 bytes per parameter) when μ &gt; 0.
 * The composed form is {@link Classic#sgd}.
 */
public final class SgdMomentum implements Optimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final ParamSet params;
    private final float[] grads;
    private final FusedPass pass;
    private final float[] buf;
    private double lr;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private long t;
    // This step's scalars, written by step() before the pass reads them.
    private boolean first;

    public SgdMomentum(FlatParameters params, double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        this(ParamSet.of(params), params.grads(), lr, momentum, dampening, nesterov, weightDecay);
    }

    public SgdMomentum(ParamSet params, float[] grads, double lr, double momentum, double dampening, boolean nesterov,
                       double weightDecay) {
        Hyper.nonNegative("lr", lr);
        Classic.checkSgd(momentum, dampening, nesterov);
        Hyper.nonNegative("weight_decay", weightDecay);
        FusedPass.checkGrads(params, grads);
        this.params = params;
        this.grads = grads;
        this.pass = new FusedPass(params, this::piece);
        this.buf = momentum != 0 ? new float[params.elements()] : null;
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step() {
        t++;
        first = t == 1;
        pass.run();
    }

    private void piece(int slot, int off, int so, int n) {
        float[] p = params.values();
        float wd = (float) weightDecay;
        float eta = (float) lr;
        if (buf == null) {
            plain(p, grads, off, n, wd, eta);
        } else {
            withMomentum(p, grads, off, buf, so, n, wd, eta, (float) momentum, (float) (1 - dampening), nesterov, first);
        }
    }

    static void plain(float[] p, float[] g, int off, int n, float wd, float lr) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector d = FloatVector.fromArray(S, g, off + i);
            if (wd != 0) d = pv.fma(FloatVector.broadcast(S, wd), d);
            pv.sub(d.mul(lr)).intoArray(p, off + i);
        }
        for (; i < n; i++) {
            float d = g[off + i];
            if (wd != 0) d = Math.fma(p[off + i], wd, d);
            p[off + i] -= d * lr;
        }
    }

    static void withMomentum(float[] p, float[] g, int off, float[] b, int so, int n, float wd, float lr, float mu,
                             float keep, boolean nesterov, boolean first) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector d = FloatVector.fromArray(S, g, off + i);
            if (wd != 0) d = pv.fma(FloatVector.broadcast(S, wd), d);
            FloatVector bv = first ? d : FloatVector.fromArray(S, b, so + i).mul(mu).add(d.mul(keep));
            bv.intoArray(b, so + i);
            FloatVector dir = nesterov ? d.add(bv.mul(mu)) : bv;
            pv.sub(dir.mul(lr)).intoArray(p, off + i);
        }
        for (; i < n; i++) {
            float d = g[off + i];
            if (wd != 0) d = Math.fma(p[off + i], wd, d);
            float bi = first ? d : mu * b[so + i] + keep * d;
            b[so + i] = bi;
            float dir = nesterov ? d + mu * bi : bi;
            p[off + i] -= dir * lr;
        }
    }

    @Override
    public void zeroGrad() { pass.zero(grads); }

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
        if (buf != null) {
            for (ParamSlot p : pass.slots()) s.put(p.name() + ".momentum_buffer", Tensor.view(buf, p.stateOffset(), p.shape()));
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
        FusedPass.restore(state(), state);
        this.t = steps.longValue();
        if (scalars.containsKey("lr")) this.lr = scalars.get("lr");
    }

    @Override
    public String name() { return "sgd"; }
}
