package dev.descent.peft;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.Module;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;

/**
 * A HUT layer ({@link Hut}): the base weight transformed element-wise by a low-rank matrix,
 * <pre>
 *   W = W₀ ⊙ (J + s·B A),   y = x W₀ᵀ + b + s · dropout(x) (W₀ ⊙ B A)ᵀ
 * </pre>
 * with J the all-ones matrix, B {@code [out, r]} (zero at the start, so W = W₀), A {@code [r, in]}
 * (LoRA's Kaiming-uniform, bound 1/√in) and s = α/r. The base must be a plain float32 {@link Linear}: the
 * update is a function of its weight, which stays frozen. Module names: {@code base_layer},
 * {@code hut_A.<adapter>.weight}, {@code hut_B.<adapter>.weight}. Merging writes W into the base weight
 * and keeps a copy of W₀, so that {@link #unmerge} restores it bit for bit (dividing by J + s·B A would
 * not, and fails where an entry is 0).
 */
public final class HutLinear extends Module implements LinearLayer {
    private final Linear base;
    private final DropoutStreams dropoutStreams;
    private final int rank;
    private final double scaling;
    private final float dropout;
    private final Linear a;
    private final Linear b;
    private float[] weightBeforeMerge;

    /** Wraps {@code base} with a rank-{@code rank} HUT adapter named {@code adapter}, both factors zero. */
    public HutLinear(LinearLayer base, String adapter, int rank, double scaling, double dropout, DropoutStreams dropoutStreams) {
        if (!(base instanceof Linear l)) {
            throw new PeftException("variant hut transforms the base weight element-wise, so it needs a plain float32 Linear, not a "
                    + base.getClass().getSimpleName() + " (no quantize section)");
        }
        if (rank <= 0 || rank > Math.min(base.inFeatures(), base.outFeatures())) {
            throw new PeftException("r = " + rank + " must be in [1, " + Math.min(base.inFeatures(), base.outFeatures()) + "] for this layer");
        }
        if (dropout > 0 && dropoutStreams == null) throw new IllegalArgumentException("adapter dropout needs dropout streams");
        this.base = l;
        this.dropoutStreams = dropoutStreams;
        this.rank = rank;
        this.scaling = scaling;
        this.dropout = (float) dropout;
        module("base_layer", l);
        this.a = module("hut_A", new AdapterDict()).put(adapter, new Linear(base.inFeatures(), rank, false));
        this.b = module("hut_B", new AdapterDict()).put(adapter, new Linear(rank, base.outFeatures(), false));
    }

    @Override
    public int inFeatures() { return base.inFeatures(); }

    @Override
    public int outFeatures() { return base.outFeatures(); }

    public Linear base() { return base; }

    public int rank() { return rank; }

    public double scaling() { return scaling; }

    /** A {@code [r, in]}. */
    public Parameter hutA() { return a.weight; }

    /** B {@code [out, r]}. */
    public Parameter hutB() { return b.weight; }

    /** True while W is merged into the base weight. */
    public boolean merged() { return weightBeforeMerge != null; }

    /** The update {@code W − W₀ = s·W₀ ⊙ (B A)} {@code [out, in]} row-major (float64 products of the float32 values). */
    public double[] delta() {
        int out = outFeatures();
        int in = inFeatures();
        double[] ba = LoraPro.mul(LoraPro.toDouble(b.weight.value(), out * rank), LoraPro.toDouble(a.weight.value(), rank * in), out, rank, in);
        Tensor w = weights();
        for (int i = 0; i < ba.length; i++) ba[i] *= scaling * w.data()[w.offset() + i];
        return ba;
    }

    /** W₀ (or, while merged, the copy kept of it). */
    private Tensor weights() {
        return merged() ? Tensor.of(weightBeforeMerge, outFeatures(), inFeatures()) : base.weight.value();
    }

    /** Replaces the base weight by {@code W₀ ⊙ (J + s·B A)} (float32), keeping W₀ for {@link #unmerge}. */
    public void merge() {
        if (merged()) throw new IllegalStateException("the HUT update is already merged");
        double[] d = delta();
        Tensor w = base.weight.value();
        weightBeforeMerge = w.toArray();
        for (int i = 0; i < d.length; i++) w.data()[w.offset() + i] = (float) (weightBeforeMerge[i] + d[i]);
    }

    /** Restores W₀ exactly as it was before {@link #merge}. */
    public void unmerge() {
        if (!merged()) throw new IllegalStateException("the HUT update is not merged");
        Tensor w = base.weight.value();
        System.arraycopy(weightBeforeMerge, 0, w.data(), w.offset(), w.size());
        weightBeforeMerge = null;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        if (merged()) return y;
        Variable w0 = Variable.constant(base.weight.value());
        Variable delta = F.scale(F.mul(w0, F.matmul(b.weight, a.weight)), (float) scaling);
        Variable h = dropout > 0 && isTraining() ? F.dropout(x, dropout, dropoutStreams.next()) : x;
        return F.add(y, F.linear(h, delta, null));
    }
}
