package dev.descent.optim;

/**
 * The everyday way to make an optimizer in code: a builder per optimizer with PyTorch's hyperparameter
 * names and defaults, each value checked when it is set.
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adamw().lr(3e-4).weightDecay(0.1).build(model);
 * for (...) {
 *     Variable loss = F.crossEntropy(model.forward(x), y);
 *     loss.backward();
 *     opt.step();
 *     opt.zeroGrad();
 * }
 * }</pre>
 *
 * The builders make the same fused optimizers the {@link OptimizerRegistry} makes under the same names,
 * so a run configured by name ({@code optimizer: adamw}) and one built here give the same numbers.
 */
public final class Optimizers {
    private Optimizers() {}

    /** {@code torch.optim.AdamW}: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2 on every parameter. */
    public static AdamWBuilder adamw() { return new AdamWBuilder(); }

    /** {@code torch.optim.SGD}: lr 1e-3, no momentum, dampening 0, no weight decay, Nesterov off. */
    public static SgdBuilder sgd() { return new SgdBuilder(); }
}
