package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Module;
import dev.descent.tensor.VectorSupport;

/**
 * Builds the fused {@link SgdMomentum} with {@code torch.optim.SGD}'s hyperparameters and defaults: lr η = 1e-3,
 * momentum μ = 0, dampening τ = 0, weight decay λ = 0 (coupled: added to the gradient), Nesterov off.
 * Each setter checks its value; Nesterov's condition (μ &gt; 0, τ = 0) is checked by {@link #build}.
 */
public final class SgdBuilder {
    // torch.optim.SGD's defaults, written once in SgdHyper
    private double lr = SgdHyper.DEFAULTS.lr();
    private double momentum = SgdHyper.DEFAULTS.momentum();
    private double dampening = SgdHyper.DEFAULTS.dampening();
    private double weightDecay = SgdHyper.DEFAULTS.weightDecay();
    private boolean nesterov = SgdHyper.DEFAULTS.nesterov();

    SgdBuilder() {}

    /** Learning rate η ≥ 0. */
    public SgdBuilder lr(double lr) {
        Hyper.nonNegative("lr", lr);
        this.lr = lr;
        return this;
    }

    /** Momentum μ in [0, 1) (0: plain SGD, no state). */
    public SgdBuilder momentum(double momentum) {
        Hyper.unitInterval("momentum", momentum);
        this.momentum = momentum;
        return this;
    }

    /** Dampening τ in [0, 1]: the momentum buffer adds (1 − τ) of the gradient. */
    public SgdBuilder dampening(double dampening) {
        Hyper.closedUnitInterval("dampening", dampening);
        this.dampening = dampening;
        return this;
    }

    /** L2 weight decay λ ≥ 0, added to the gradient as λθ. */
    public SgdBuilder weightDecay(double weightDecay) {
        Hyper.nonNegative("weightDecay", weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /** Nesterov momentum (needs momentum &gt; 0 and dampening 0). */
    public SgdBuilder nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    /** SGD over a flattened model's trainable parameters and their gradients. */
    public Optimizer build(FlatParameters params) {
        VectorSupport.require();
        return SgdMomentum.optimizer(ParamSet.of(params), params.grads(), lr, momentum, dampening, nesterov, weightDecay);
    }

    /** SGD over {@code model}'s trainable parameters, flattening it ({@link Module#flatten()}; see {@link AdamWBuilder#build(Module)}). */
    public Optimizer build(Module model) {
        VectorSupport.require();
        return build(model.flatten());
    }
}
