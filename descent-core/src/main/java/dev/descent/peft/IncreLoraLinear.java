package dev.descent.peft;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.Tensor;

/**
 * An IncreLoRA layer (the authors' {@code SVDLinear} in {@code loralib/loralib/increlora.py}, commit in
 * {@link IncreLoraAllocator}): a linear layer plus an adapter in AdaLoRA's SVD form whose components are
 * switched on during training,
 * <pre>
 *   y = base(x) + dropout(x) ΔWᵀ,    ΔW = (α/ρ) · Σ_k λ_k b_k a_kᵀ   over the active and reserve components k
 * </pre>
 * with {@code a_k} row k of A {@code [R, in]}, {@code b_k} column k of B {@code [out, R]}, λ {@code [R]}, α
 * = {@code lora_alpha} and ρ the number of active components (the code's {@code scaling / ranknum}; the
 * code adds 1e-5 to ρ, here ρ ≥ 1 always). R is the preallocated maximum: the parameter buffers are
 * flattened once, so every component exists from the start and the first {@code rank} are
 * <em>active</em> (a, λ, b trained), the next {@code reserve} are <em>reserve</em> components (the code's
 * "advance learning": a, b trained, λ fixed at 1e-5) and the rest are <em>off</em> (a, λ, b exactly zero,
 * gradients zero, so an optimizer whose update of a zero gradient is zero leaves them unchanged).
 * Initialisation (the code's {@code reset_parameters} and {@code add_reserve_param}): λ = 0 and a, b ~ N(0,
 * 0.02²) for the initial components; a new reserve component gets a, b ~ N(0, 0.02²) and λ = 1e-5.
 *
 * <p>The backward computes {@code G = ∂L/∂ΔW = gᵀ x} (as the code's backward hook on its {@code loraW}
 * module) and keeps this backward's importance {@code Σ|ΔW ⊙ G|/√(out·in)} for the allocator; the
 * factors' gradients follow from G: {@code ∂a_k = (α/ρ) λ_k Gᵀ b_k}, {@code ∂b_k = (α/ρ) λ_k G a_k},
 * {@code ∂λ_k = (α/ρ) b_kᵀ G a_k}, each kept only where the component trains.
 *
 * <p>What holds with no rank ever added: the layer is LoRA in the SVD form, the same function as a PEFT
 * LoRA adapter with {@code lora_A = A_{:n}}, {@code lora_B = B_{:,:n} diag(λ_{:n})} over the n = rank +
 * reserve used components and scaling α/ρ ({@link #foldedB}); ΔW = 0 at the start, as LoRA's. The
 * trajectory is not plain LoRA's: λ is a third trained factor, and the reserve components (λ = 1e-5) add a
 * tiny term. Module names: {@code base_layer}, {@code lora_A.<adapter>.weight}, {@code lora_B.<adapter>.weight},
 * {@code lora_E.<adapter>.weight} (the code's name for λ).
 */
public final class IncreLoraLinear extends Module implements LinearLayer {
    /** The fixed λ of a reserve component (the code's {@code 1e-5} under advance learning). */
    public static final float RESERVE_LAMBDA = 1e-5f;
    /** The standard deviation of a new component's a and b (the code's {@code normal_(std=0.02)}). */
    public static final float INIT_STD = 0.02f;

    /** λ: one value per component. */
    static final class Lambda extends Module {
        final Parameter weight;

        Lambda(int n) { weight = parameter("weight", ParameterRole.OTHER, n); }
    }

    private final LinearLayer base;
    private final DropoutStreams dropoutStreams;
    private final int maxRank;
    private final double alpha;
    private final float dropout;
    private final Linear a;
    private final Linear b;
    private final Lambda lambda;
    private int rank;
    private int reserve;
    private double lastImportance;

    /** Wraps {@code base} with room for {@code maxRank} components, all off and zero. */
    public IncreLoraLinear(LinearLayer base, String adapter, int maxRank, double alpha, double dropout, DropoutStreams dropoutStreams) {
        if (!(base instanceof Module m)) throw new IllegalArgumentException("the base layer must be a Module");
        if (maxRank <= 0 || maxRank > Math.min(base.inFeatures(), base.outFeatures())) {
            throw new PeftException("IncreLoRA: the maximum rank " + maxRank + " must be in [1, " + Math.min(base.inFeatures(), base.outFeatures()) + "] for this layer");
        }
        if (dropout > 0 && dropoutStreams == null) throw new IllegalArgumentException("adapter dropout needs dropout streams");
        this.base = base;
        this.dropoutStreams = dropoutStreams;
        this.maxRank = maxRank;
        this.alpha = alpha;
        this.dropout = (float) dropout;
        module("base_layer", m);
        this.a = module("lora_A", new AdapterDict()).put(adapter, new Linear(base.inFeatures(), maxRank, false));
        this.b = module("lora_B", new AdapterDict()).put(adapter, new Linear(maxRank, base.outFeatures(), false));
        this.lambda = module("lora_E", new AdapterDict()).put(adapter, new Lambda(maxRank));
    }

    @Override
    public int inFeatures() { return base.inFeatures(); }

    @Override
    public int outFeatures() { return base.outFeatures(); }

    public int maxRank() { return maxRank; }

    /** The number of active components ρ. */
    public int rank() { return rank; }

    /** The number of reserve components (after the active ones). */
    public int reserve() { return reserve; }

    /** The scaling α/ρ of the product. */
    public double scaling() { return alpha / rank; }

    public Parameter loraA() { return a.weight; }

    public Parameter loraB() { return b.weight; }

    public Parameter lambda() { return lambda.weight; }

    /** The importance {@code Σ|ΔW ⊙ G|/√(out·in)} of the last backward through this layer. */
    public double lastImportance() { return lastImportance; }

    /**
     * Starts the layer at {@code rank} active components, initialised as the code does (λ = 0, a, b ~ N(0,
     * 0.02²) from {@code rng} at indices from 0), and every other component off.
     */
    public void initialise(int rank, Philox rng) {
        if (rank <= 0 || rank > maxRank) throw new PeftException("IncreLoRA: r = " + rank + " must be in [1, " + maxRank + "]");
        for (int k = 0; k < maxRank; k++) clear(k);
        for (int k = 0; k < rank; k++) draw(k, rng, 0, rank);
        this.rank = rank;
        this.reserve = 0;
    }

    /**
     * Moves the component boundaries: the first {@code rank} components active, the next {@code reserve}
     * reserve, the rest off. Components that become reserve get fresh a, b from {@code rng} (indices from
     * {@code index}) and λ = 1e-5; components that become off are zeroed; active ones and reserve ones that stay keep their values (a
     * reserve component that becomes active keeps its λ = 1e-5, now trained, as in the code; one activated from
     * off, without advance learning, starts at λ = 0 as the code's {@code add_reserve_param(…, False)}).
     */
    public void setComponents(int rank, int reserve, Philox rng, long index) {
        if (rank < 1 || reserve < 0 || rank + reserve > maxRank) {
            throw new PeftException("IncreLoRA: " + rank + " active and " + reserve + " reserve components do not fit in " + maxRank);
        }
        int usedBefore = this.rank + this.reserve;
        for (int k = usedBefore; k < rank + reserve; k++) draw(k, rng, index, rank);
        for (int k = rank + reserve; k < maxRank; k++) clear(k);
        this.rank = rank;
        this.reserve = reserve;
    }

    /** Puts the reserve components' λ back to 1e-5 (a decoupled weight decay of the whole λ vector moves them). */
    public void holdReserves() {
        Tensor lv = lambda.weight.value();
        for (int k = rank; k < rank + reserve; k++) lv.data()[lv.offset() + k] = RESERVE_LAMBDA;
    }

    /** Restores the boundaries from a checkpoint, without touching the values (which the checkpoint holds). */
    public void restoreComponents(int rank, int reserve) {
        if (rank < 1 || reserve < 0 || rank + reserve > maxRank) throw new PeftException("IncreLoRA state: " + rank + " + " + reserve + " components exceed " + maxRank);
        this.rank = rank;
        this.reserve = reserve;
    }

    /** Draws component k's a and b; λ = 0 if it is active (k below {@code newRank}), 1e-5 if reserve. */
    private void draw(int k, Philox rng, long index, int newRank) {
        int in = inFeatures();
        int out = outFeatures();
        long base = index + (long) k * (in + out);
        Tensor av = a.weight.value();
        Tensor bv = b.weight.value();
        for (int j = 0; j < in; j++) av.data()[av.offset() + k * in + j] = INIT_STD * rng.gaussian(base + j);
        for (int o = 0; o < out; o++) bv.data()[bv.offset() + o * maxRank + k] = INIT_STD * rng.gaussian(base + in + o);
        lambda.weight.value().data()[lambda.weight.value().offset() + k] = k < newRank ? 0f : RESERVE_LAMBDA;
    }

    private void clear(int k) {
        int in = inFeatures();
        Tensor av = a.weight.value();
        Tensor bv = b.weight.value();
        for (int j = 0; j < in; j++) av.data()[av.offset() + k * in + j] = 0f;
        for (int o = 0; o < outFeatures(); o++) bv.data()[bv.offset() + o * maxRank + k] = 0f;
        lambda.weight.value().data()[lambda.weight.value().offset() + k] = 0f;
    }

    /** {@code B diag(λ)} over the used components {@code [out, rank + reserve]}: with {@code A_{:n}}, PEFT's {@code lora_B}. */
    public float[] foldedB() {
        int n = rank + reserve;
        int out = outFeatures();
        Tensor bv = b.weight.value();
        Tensor lv = lambda.weight.value();
        float[] f = new float[out * n];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < n; k++) f[o * n + k] = bv.data()[bv.offset() + o * maxRank + k] * lv.data()[lv.offset() + k];
        }
        return f;
    }

    /** ΔW {@code [out, in]} in float32, as the forward uses it. */
    public float[] delta() {
        int out = outFeatures();
        int in = inFeatures();
        float c = (float) scaling();
        Tensor bv = b.weight.value();
        Tensor lv = lambda.weight.value();
        float[] bl = new float[out * maxRank];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < rank + reserve; k++) bl[o * maxRank + k] = c * bv.data()[bv.offset() + o * maxRank + k] * lv.data()[lv.offset() + k];
        }
        float[] d = new float[out * in];
        Tensor av = a.weight.value();
        Gemm.gemm(false, false, out, in, maxRank, 1f, bl, 0, maxRank, av.data(), av.offset(), in, 0f, d, 0, in);
        return d;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        Variable h = dropout > 0 && isTraining() ? F.dropout(x, dropout, dropoutStreams.next()) : x;
        return F.add(y, adapter(h));
    }

    private Variable adapter(Variable h) {
        int in = inFeatures();
        int out = outFeatures();
        Tensor hv = h.value();
        int rows = hv.size() / in;
        float[] d = delta();
        int[] shape = hv.shape();
        shape[shape.length - 1] = out;
        Tensor u = Tensor.zeros(shape);
        Gemm.gemm(false, true, rows, out, in, 1f, hv.data(), hv.offset(), in, d, 0, in, 0f, u.data(), u.offset(), out);
        Parameter pa = a.weight;
        Parameter pb = b.weight;
        Parameter pl = lambda.weight;
        return Variable.result(u, g -> {
            if (h.requiresGrad()) {
                Tensor hg = h.gradForUpdate();
                Gemm.gemm(false, false, rows, in, out, 1f, g.data(), g.offset(), out, d, 0, in, 1f, hg.data(), hg.offset(), in);
            }
            float[] gw = new float[out * in];
            Gemm.gemm(true, false, out, in, rows, 1f, g.data(), g.offset(), out, hv.data(), hv.offset(), in, 0f, gw, 0, in);
            double s = 0;
            for (int i = 0; i < gw.length; i++) s += Math.abs((double) d[i] * gw[i]);
            lastImportance = s / Math.sqrt(gw.length);
            backwardFactors(gw, pa, pb, pl);
        }, h, pa, pb, pl);
    }

    /** The factors' gradients from G = ∂L/∂ΔW, kept where the component trains (a, b: active or reserve; λ: active). */
    private void backwardFactors(float[] gw, Parameter pa, Parameter pb, Parameter pl) {
        int in = inFeatures();
        int out = outFeatures();
        int n = rank + reserve;
        float c = (float) scaling();
        Tensor av = pa.value();
        Tensor bv = pb.value();
        Tensor lv = pl.value();
        float[] ga = new float[out * maxRank]; // G Aᵀ
        Gemm.gemm(false, true, out, maxRank, in, 1f, gw, 0, in, av.data(), av.offset(), in, 0f, ga, 0, maxRank);
        float[] bg = new float[maxRank * in]; // Bᵀ G
        Gemm.gemm(true, false, maxRank, in, out, 1f, bv.data(), bv.offset(), maxRank, gw, 0, in, 0f, bg, 0, in);
        if (pa.requiresGrad()) {
            Tensor g = pa.gradForUpdate();
            for (int k = 0; k < n; k++) {
                float f = c * lv.data()[lv.offset() + k];
                for (int j = 0; j < in; j++) g.data()[g.offset() + k * in + j] += f * bg[k * in + j];
            }
        }
        if (pb.requiresGrad()) {
            Tensor g = pb.gradForUpdate();
            for (int o = 0; o < out; o++) {
                for (int k = 0; k < n; k++) g.data()[g.offset() + o * maxRank + k] += c * lv.data()[lv.offset() + k] * ga[o * maxRank + k];
            }
        }
        if (pl.requiresGrad()) {
            Tensor g = pl.gradForUpdate();
            for (int k = 0; k < rank; k++) {
                double t = 0;
                for (int o = 0; o < out; o++) t += (double) bv.data()[bv.offset() + o * maxRank + k] * ga[o * maxRank + k];
                g.data()[g.offset() + k] += (float) (c * t);
            }
        }
    }
}
