package dev.descent.peft;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.linalg.Svd;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A LoRA adapter around a linear layer (Hu et al. 2021; PEFT's {@code lora.Linear}, read at
 * huggingface/peft commit {@code b28a09c44695163806dc2d560ec2faa1ce2949c5}, {@code tuners/lora/layer.py}):
 * <pre>
 *   y = base(x) + s · (dropout(x) Aᵀ) Bᵀ,     A [r, in],  B [out, r],  s = α/r  (α/√r with rsLoRA)
 * </pre>
 * computed in PEFT's order ({@code lora_B(lora_A(dropout(x))) * scaling}). The module tree has PEFT's
 * names: the wrapped layer is {@code base_layer}, the factors {@code lora_A.<adapter>.weight} and
 * {@code lora_B.<adapter>.weight}. Several named adapters may sit on one base; one (or none) is active.
 *
 * <p>Initialisation ({@code reset_lora_parameters}, {@code pissa_init}): default A Kaiming-uniform with
 * a = √5 (uniform in ±1/√in), B zero; {@code gaussian} A ~ N(0, (1/r)²), B zero; {@code pissa}: with the
 * base weight's SVD {@code W = U Σ Vᵀ} (float64, EJML), {@code A = diag(√(σ_r/s)) V_rᵀ},
 * {@code B = U_r diag(√(σ_r/s))}, and the base weight replaced by the residual {@code W − s·B A} (so the
 * layer's output is unchanged at the start). Random values come from the stream
 * (seed, {@code "init/" + dotted parameter name}), as every other initialisation here.
 *
 * <p>Merging adds {@code s·(B A)} (the product in float, then scaled, then added, as PEFT's
 * {@code get_delta_weight}) to the base weight, after keeping a copy of the weight; unmerging puts that
 * copy back, so merge followed by unmerge restores the base bit for bit (subtracting the delta again,
 * as PEFT does, would not: {@code (W + d) − d ≠ W} in float). While merged, the forward is the base's.
 */
public final class LoraLinear extends Module implements LinearLayer {
    /** One adapter's factors and constants. */
    public record Adapter(String name, int rank, double alpha, double scaling, float dropout, Linear a, Linear b) {
        /** {@code lora_A.<name>.weight}, {@code [r, in]}. */
        public Parameter loraA() { return a.weight; }

        /** {@code lora_B.<name>.weight}, {@code [out, r]}. */
        public Parameter loraB() { return b.weight; }
    }

    private final LinearLayer base;
    private final AdapterDict loraA;
    private final AdapterDict loraB;
    private final DropoutStreams dropoutStreams;
    private final Map<String, Adapter> adapters = new LinkedHashMap<>();
    private String active;
    private String merged;
    private float[] weightBeforeMerge;

    /**
     * Wraps {@code base} (a {@link Module} that is a {@link LinearLayer}); adapter dropout draws its masks
     * from {@code dropoutStreams} (the model's, so they follow its steps).
     */
    public LoraLinear(LinearLayer base, DropoutStreams dropoutStreams) {
        if (!(base instanceof Module m)) throw new IllegalArgumentException("the base layer must be a Module");
        this.base = base;
        this.dropoutStreams = dropoutStreams;
        module("base_layer", m);
        this.loraA = module("lora_A", new AdapterDict());
        this.loraB = module("lora_B", new AdapterDict());
    }

    @Override
    public int inFeatures() { return base.inFeatures(); }

    @Override
    public int outFeatures() { return base.outFeatures(); }

    /** The wrapped layer. */
    public LinearLayer base() { return base; }

    /** The adapters by name, in the order added. */
    public Map<String, Adapter> adapters() { return Collections.unmodifiableMap(adapters); }

    public Set<String> adapterNames() { return adapters.keySet(); }

    /**
     * Sets the forward scale s of adapter {@code name} (the factors are unchanged). Used by optimizers
     * that choose the adapter's scale themselves (AR1-ZO's topology-aware γ/r); refused while merged,
     * since the merged delta was computed with the old scale.
     */
    public void setScaling(String name, double scaling) {
        Adapter ad = adapters.get(name);
        if (ad == null) throw new IllegalArgumentException("no adapter '" + name + "' on this layer; adapters: " + adapters.keySet());
        if (merged != null) throw new IllegalStateException("adapter '" + merged + "' is merged; unmerge before changing a scale");
        if (!(scaling > 0) || !Double.isFinite(scaling)) throw new IllegalArgumentException("scaling must be a positive number, got " + scaling);
        adapters.put(name, new Adapter(ad.name(), ad.rank(), ad.alpha(), scaling, ad.dropout(), ad.a(), ad.b()));
    }

    /** The active adapter, or null when none is. */
    public String active() { return active; }

    /** The merged adapter, or null. */
    public String merged() { return merged; }

    /**
     * Adds adapter {@code name} of rank {@code rank} with scale {@code scaling}, initialised as
     * {@code init} says; {@code path} is this layer's dotted name in the model (for the random streams
     * and messages). The first adapter becomes the active one. Allowed before flattening only.
     */
    public Adapter addAdapter(String name, String path, int rank, double alpha, double scaling, double dropout, LoraConfig.Init init, long seed) {
        if (adapters.containsKey(name)) throw new PeftException("adapter '" + name + "' already exists on " + path);
        int in = inFeatures();
        int out = outFeatures();
        if (rank <= 0) throw new PeftException("r = " + rank + " for " + path + " must be a positive integer");
        if (dropout > 0 && dropoutStreams == null) throw new IllegalArgumentException("adapter dropout needs dropout streams");
        if (rank > Math.min(in, out)) {
            throw new PeftException("r = " + rank + " for " + path + " exceeds the layer's smaller side (in " + in + ", out " + out + ")");
        }
        Linear a = loraA.put(name, new Linear(in, rank, false));
        Linear b = loraB.put(name, new Linear(rank, out, false));
        Adapter ad = new Adapter(name, rank, alpha, scaling, (float) dropout, a, b);
        String prefix = path + ".lora_";
        switch (init) {
            case DEFAULT -> uniform(a.weight.value(), (float) (1.0 / Math.sqrt(in)), Philox.stream(seed, "init/" + prefix + "A." + name + ".weight"));
            case GAUSSIAN -> {
                Tensor v = a.weight.value();
                Philox.stream(seed, "init/" + prefix + "A." + name + ".weight").fillGaussian(v.data(), v.offset(), v.size(), 0);
                dev.descent.tensor.Elementwise.scale((float) (1.0 / rank), v.data(), v.offset(), v.size());
            }
            case PISSA -> pissa(ad, path);
            case NONE -> { }
        }
        adapters.put(name, ad);
        if (active == null) active = name;
        return ad;
    }

    /** U(−bound, bound) as {@code (2u − 1)·bound}, u uniform in [0, 1): Kaiming-uniform with a = √5 has bound 1/√fan_in. */
    private static void uniform(Tensor v, float bound, Philox rng) {
        float[] d = v.data();
        rng.fillUniform(d, v.offset(), v.size(), 0);
        for (int i = v.offset(); i < v.offset() + v.size(); i++) d[i] = (d[i] * 2 - 1) * bound;
    }

    private void pissa(Adapter ad, String path) {
        Tensor w = baseWeight(path, "PiSSA initialisation").value();
        int out = outFeatures();
        int in = inFeatures();
        int r = ad.rank();
        double[] wd = new double[out * in];
        for (int i = 0; i < wd.length; i++) wd[i] = w.data()[w.offset() + i];
        Svd svd = Svd.of(wd, out, in);
        int k = Math.min(out, in);
        float[] a = ad.a().weight.value().data();
        int ao = ad.a().weight.value().offset();
        float[] b = ad.b().weight.value().data();
        int bo = ad.b().weight.value().offset();
        for (int i = 0; i < r; i++) {
            double root = Math.sqrt(svd.sigma()[i] / ad.scaling());
            for (int j = 0; j < in; j++) a[ao + i * in + j] = (float) (root * svd.v()[j * k + i]);
            for (int o = 0; o < out; o++) b[bo + o * r + i] = (float) (root * svd.u()[o * k + i]);
        }
        // Residual W − s·B A with the float factors just stored (PEFT subtracts the product of the stored factors too).
        float[] delta = delta(ad);
        for (int i = 0; i < delta.length; i++) w.data()[w.offset() + i] = w.data()[w.offset() + i] - delta[i];
    }

    private Parameter baseWeight(String path, String what) {
        if (base instanceof Linear l) return l.weight;
        throw new PeftException(what + " needs the base weight of " + path + ", which is a " + base.getClass().getSimpleName()
                + "; only a plain Linear base has one");
    }

    /** PEFT's {@code get_delta_weight}: {@code (B A)·s} in float, {@code [out, in]} row-major. */
    public float[] delta(Adapter ad) {
        int out = outFeatures();
        int in = inFeatures();
        Tensor a = ad.loraA().value();
        Tensor b = ad.loraB().value();
        float[] ba = new float[out * in];
        Gemm.gemm(false, false, out, in, ad.rank(), 1f, b.data(), b.offset(), ad.rank(), a.data(), a.offset(), in, 0f, ba, 0, in);
        float s = (float) ad.scaling();
        for (int i = 0; i < ba.length; i++) ba[i] *= s;
        return ba;
    }

    /** Makes {@code name} the active adapter (null: none, the base alone). Refused while an adapter is merged. */
    public void setActive(String name) {
        if (merged != null) throw new IllegalStateException("adapter '" + merged + "' is merged; unmerge it before switching adapters");
        if (name != null && !adapters.containsKey(name)) throw new PeftException("no adapter '" + name + "'; have " + adapters.keySet());
        active = name;
    }

    /** Adds the active adapter's {@code s·B A} to the base weight (keeping a copy of the weight for {@link #unmerge}). */
    public void merge() {
        if (merged != null) throw new IllegalStateException("adapter '" + merged + "' is already merged");
        if (active == null) throw new IllegalStateException("no active adapter to merge");
        Tensor w = baseWeight("this layer", "merging").value();
        weightBeforeMerge = new float[w.size()];
        System.arraycopy(w.data(), w.offset(), weightBeforeMerge, 0, w.size());
        float[] d = delta(adapters.get(active));
        for (int i = 0; i < d.length; i++) w.data()[w.offset() + i] = w.data()[w.offset() + i] + d[i];
        merged = active;
    }

    /** Restores the base weight exactly as it was before {@link #merge}. */
    public void unmerge() {
        if (merged == null) throw new IllegalStateException("no adapter is merged");
        Tensor w = baseWeight("this layer", "unmerging").value();
        System.arraycopy(weightBeforeMerge, 0, w.data(), w.offset(), w.size());
        weightBeforeMerge = null;
        merged = null;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        if (merged != null || active == null) return y;
        Adapter ad = adapters.get(active);
        Variable h = ad.dropout() > 0 && isTraining() ? F.dropout(x, ad.dropout(), dropoutStreams.next()) : x;
        Variable u = F.linear(F.linear(h, ad.loraA(), null), ad.loraB(), null);
        return F.add(y, F.scale(u, (float) ad.scaling()));
    }
}
