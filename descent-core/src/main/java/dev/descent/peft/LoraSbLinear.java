package dev.descent.peft;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.Tensor;

/**
 * A LoRA-SB layer (LoRA-XS's structure): a linear layer plus {@code s·B R A} with B {@code [out, r]} and
 * A {@code [r, in]} fixed and only the r×r matrix R trained,
 * <pre>
 *   y = base(x) + s · ((dropout(x) Aᵀ) Rᵀ) Bᵀ
 * </pre>
 * computed in the order of the LoRA-SB code's {@code forward_latent}
 * ({@code lora_B(latent(lora_A(dropout(x)))) * scaling}). Module names follow PEFT's with one more
 * dictionary for R: {@code base_layer}, {@code lora_A.<adapter>.weight}, {@code lora_B.<adapter>.weight}
 * (both frozen) and {@code lora_latent.<adapter>.weight} (trainable, the authors'
 * {@code default_lora_latent_mapping}). The factors are set by {@link LoraSb} from the first gradient.
 */
public final class LoraSbLinear extends Module implements LinearLayer {
    private final LinearLayer base;
    private final DropoutStreams dropoutStreams;
    private final int rank;
    private final double scaling;
    private final float dropout;
    private final Linear a;
    private final Linear b;
    private final Linear latent;

    /** Wraps {@code base} with a rank-{@code rank} adapter named {@code adapter}, all factors zero. */
    public LoraSbLinear(LinearLayer base, String adapter, int rank, double scaling, double dropout, DropoutStreams dropoutStreams) {
        if (!(base instanceof Module m)) throw new IllegalArgumentException("the base layer must be a Module");
        if (rank <= 0 || rank > Math.min(base.inFeatures(), base.outFeatures())) {
            throw new PeftException("r = " + rank + " must be in [1, " + Math.min(base.inFeatures(), base.outFeatures()) + "] for this layer");
        }
        if (dropout > 0 && dropoutStreams == null) throw new IllegalArgumentException("adapter dropout needs dropout streams");
        this.base = base;
        this.dropoutStreams = dropoutStreams;
        this.rank = rank;
        this.scaling = scaling;
        this.dropout = (float) dropout;
        module("base_layer", m);
        this.a = module("lora_A", new AdapterDict()).put(adapter, new Linear(base.inFeatures(), rank, false));
        this.b = module("lora_B", new AdapterDict()).put(adapter, new Linear(rank, base.outFeatures(), false));
        this.latent = module("lora_latent", new AdapterDict()).put(adapter, new Linear(rank, rank, false));
        a.weight.requiresGrad(false);
        b.weight.requiresGrad(false);
    }

    @Override
    public int inFeatures() { return base.inFeatures(); }

    @Override
    public int outFeatures() { return base.outFeatures(); }

    public LinearLayer base() { return base; }

    public int rank() { return rank; }

    public double scaling() { return scaling; }

    /** A {@code [r, in]} (frozen). */
    public Parameter loraA() { return a.weight; }

    /** B {@code [out, r]} (frozen). */
    public Parameter loraB() { return b.weight; }

    /** R {@code [r, r]} (trainable). */
    public Parameter latent() { return latent.weight; }

    /** {@code B·R} {@code [out, r]}: with A, the factors of the same update as a plain LoRA adapter ({@code s·(B R) A}). */
    public float[] foldedB() {
        Tensor bv = b.weight.value();
        Tensor rv = latent.weight.value();
        float[] out = new float[outFeatures() * rank];
        Gemm.gemm(false, false, outFeatures(), rank, rank, 1f, bv.data(), bv.offset(), rank, rv.data(), rv.offset(), rank, 0f, out, 0, rank);
        return out;
    }

    /** The update {@code s·B R A} {@code [out, in]}, row-major (float64 products of the float32 factors). */
    public double[] delta() {
        int out = outFeatures();
        int in = inFeatures();
        double[] bv = LoraPro.toDouble(b.weight.value(), out * rank);
        double[] rv = LoraPro.toDouble(latent.weight.value(), rank * rank);
        double[] av = LoraPro.toDouble(a.weight.value(), rank * in);
        double[] d = LoraPro.mul(LoraPro.mul(bv, rv, out, rank, rank), av, out, rank, in);
        for (int i = 0; i < d.length; i++) d[i] *= scaling;
        return d;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        Variable h = dropout > 0 && isTraining() ? F.dropout(x, dropout, dropoutStreams.next()) : x;
        Variable u = F.linear(F.linear(F.linear(h, a.weight, null), latent.weight, null), b.weight, null);
        return F.add(y, F.scale(u, (float) scaling));
    }
}
