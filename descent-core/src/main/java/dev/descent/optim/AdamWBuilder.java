package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Module;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.VectorSupport;
import java.util.function.Predicate;

/**
 * Builds the fused {@link AdamW} with {@code torch.optim.AdamW}'s hyperparameters and defaults: lr η = 1e-3,
 * betas (β₁, β₂) = (0.9, 0.999), eps ε = 1e-8, weight decay λ = 1e-2. As in torch.optim.AdamW (and the
 * registry's {@code adamw}) every parameter decays unless {@link #noDecayOnGainsAndBiases()} is set. Each setter checks its value and throws an
 * {@link IllegalArgumentException} naming it and the allowed range.
 */
public final class AdamWBuilder {
    // torch.optim.AdamW's defaults, written once in AdamWHyper
    private double lr = AdamWHyper.DEFAULTS.lr();
    private double beta1 = AdamWHyper.DEFAULTS.beta1();
    private double beta2 = AdamWHyper.DEFAULTS.beta2();
    private double eps = AdamWHyper.DEFAULTS.eps();
    private double weightDecay = AdamWHyper.DEFAULTS.weightDecay();
    private Predicate<ParamSlot> decay = slot -> true;

    AdamWBuilder() {}

    /** Learning rate η ≥ 0. */
    public AdamWBuilder lr(double lr) {
        Hyper.nonNegative("lr", lr);
        this.lr = lr;
        return this;
    }

    /** Decay rates of the first and second moment, each in [0, 1). */
    public AdamWBuilder betas(double beta1, double beta2) {
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /** ε ≥ 0, added to √v̂ in the denominator. */
    public AdamWBuilder eps(double eps) {
        Hyper.nonNegative("eps", eps);
        this.eps = eps;
        return this;
    }

    /** Decoupled weight decay λ ≥ 0: each step multiplies θ by (1 − ηλ). */
    public AdamWBuilder weightDecay(double weightDecay) {
        Hyper.nonNegative("weightDecay", weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /**
     * Leaves normalisation gains and biases ({@link ParameterRole#isGainOrBias()}) out of the weight decay, as
     * nanoGPT and most transformer recipes do; by default (torch.optim.AdamW) every parameter decays.
     */
    public AdamWBuilder noDecayOnGainsAndBiases() {
        this.decay = slot -> !slot.role().isGainOrBias();
        return this;
    }

    /** AdamW over a flattened model's trainable parameters and their gradients. */
    public Optimizer build(FlatParameters params) {
        VectorSupport.require();
        return AdamW.optimizer(ParamSet.of(params), params.grads(), lr, beta1, beta2, eps, weightDecay, decay);
    }

    /**
     * AdamW over {@code model}'s trainable parameters, flattening it ({@link Module#flatten()}: the first call
     * decides, so freeze or replace modules before building; an already flattened model keeps its buffers).
     */
    public Optimizer build(Module model) {
        VectorSupport.require();
        return build(model.flatten());
    }
}
