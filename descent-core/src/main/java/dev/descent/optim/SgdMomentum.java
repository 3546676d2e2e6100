package dev.descent.optim;

import dev.descent.nn.FlatParameters;
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
public final class SgdMomentum extends FusedOptimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final float[] buf;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
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
        super("sgd", params, grads, lr);
        this.buf = momentum != 0 ? stateBuffer("momentum_buffer") : null;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void beforePass() {
        first = t == 1;
    }

    @Override
    protected void piece(int slot, int off, int so, int n) {
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

}
