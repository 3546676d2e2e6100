package dev.descent.peft;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.Tensor;

/**
 * A TeRA layer ({@link Tera}): a linear layer plus the update ΔW that the shared frozen
 * {@link TeraFactors} and this layer's four trainable scaling vectors λ₁…λ₄ {@code [r]} define,
 * <pre>
 *   y = base(x) + dropout(x) ΔWᵀ,   ΔW = (1/√in) · (G ×ₙ diag(λₙ)) ×₁ U_{o₁} ×₂ U_{o₂} ×₃ U_{i₁} ×₄ U_{i₂}
 * </pre>
 * ΔW is rebuilt at every forward (its cost, ~r·out·in multiply-adds, is that of one more small matmul);
 * its backward is {@link TeraFactors#lambdaGradients}. Module names: {@code base_layer} and
 * {@code tera_lambda_1 … tera_lambda_4} (rank-1 parameters, role {@link ParameterRole#OTHER}, so nanoGPT's
 * AdamW does not decay them). Initialisation: λ₁ = λ₂ = λ₃ = 1 and λ₄ = 0, so ΔW = 0 at the start (as
 * VeRA's zero λ_b). Merging adds ΔW to the base weight and keeps a copy of the weight, so that
 * {@link #unmerge} restores it bit for bit.
 */
public final class TeraLinear extends Module implements LinearLayer {
    private final LinearLayer base;
    private final TeraFactors factors;
    private final DropoutStreams dropoutStreams;
    private final float dropout;
    private final Parameter[] lambdas = new Parameter[4];
    private float[] weightBeforeMerge;

    /** Wraps {@code base} with TeRA on {@code factors}, λ₁ = λ₂ = λ₃ = 1, λ₄ = 0. */
    public TeraLinear(LinearLayer base, TeraFactors factors, double dropout, DropoutStreams dropoutStreams) {
        if (!(base instanceof Module m)) throw new IllegalArgumentException("the base layer must be a Module");
        if (dropout > 0 && dropoutStreams == null) throw new IllegalArgumentException("adapter dropout needs dropout streams");
        this.base = base;
        this.factors = factors;
        this.dropoutStreams = dropoutStreams;
        this.dropout = (float) dropout;
        module("base_layer", m);
        for (int n = 0; n < 4; n++) {
            lambdas[n] = parameter("tera_lambda_" + (n + 1), ParameterRole.OTHER, factors.rank());
            if (n < 3) lambdas[n].value().fill(1f);
        }
    }

    @Override
    public int inFeatures() { return base.inFeatures(); }

    @Override
    public int outFeatures() { return base.outFeatures(); }

    public LinearLayer base() { return base; }

    public TeraFactors factors() { return factors; }

    /** λ_{n+1} {@code [r]} for n = 0…3. */
    public Parameter lambda(int n) { return lambdas[n]; }

    /** True while ΔW is merged into the base weight. */
    public boolean merged() { return weightBeforeMerge != null; }

    private float[][] lambdaValues() {
        float[][] out = new float[4][];
        for (int n = 0; n < 4; n++) out[n] = lambdas[n].value().toArray();
        return out;
    }

    /** The update ΔW {@code [out, in]} row-major (float64). */
    public double[] delta() {
        return factors.update(outFeatures(), inFeatures(), lambdaValues());
    }

    /** Adds ΔW to the base weight (in float32), keeping a copy of the weight for {@link #unmerge}. */
    public void merge() {
        if (merged()) throw new IllegalStateException("the TeRA update is already merged");
        Tensor w = baseWeight("merging").value();
        weightBeforeMerge = w.toArray();
        double[] d = delta();
        for (int i = 0; i < d.length; i++) w.data()[w.offset() + i] = (float) (w.data()[w.offset() + i] + d[i]);
    }

    /** Restores the base weight exactly as it was before {@link #merge}. */
    public void unmerge() {
        if (!merged()) throw new IllegalStateException("the TeRA update is not merged");
        Tensor w = baseWeight("unmerging").value();
        System.arraycopy(weightBeforeMerge, 0, w.data(), w.offset(), w.size());
        weightBeforeMerge = null;
    }

    private Parameter baseWeight(String what) {
        if (base instanceof Linear l) return l.weight;
        throw new PeftException(what + " TeRA needs a plain Linear base weight, not a " + base.getClass().getSimpleName());
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        if (merged()) return y;
        int out = outFeatures();
        int in = inFeatures();
        float[][] lv = lambdaValues();
        double[] d = factors.update(out, in, lv);
        float[] df = new float[d.length];
        for (int i = 0; i < d.length; i++) df[i] = (float) d[i];
        Variable delta = Variable.result(Tensor.of(df, out, in), g -> {
            double[][] grads = factors.lambdaGradients(out, in, lv, g);
            for (int n = 0; n < 4; n++) {
                if (!lambdas[n].requiresGrad()) continue;
                Tensor lg = lambdas[n].gradForUpdate();
                for (int k = 0; k < grads[n].length; k++) lg.data()[lg.offset() + k] += (float) grads[n][k];
            }
        }, lambdas);
        Variable h = dropout > 0 && isTraining() ? F.dropout(x, dropout, dropoutStreams.next()) : x;
        return F.add(y, F.linear(h, delta, null));
    }
}
