package dev.descent.optim;

/**
 * The classic element-wise optimizers in the registry, with PyTorch's hyperparameter names and
 * defaults: {@code sgd}, {@code adam}, {@code adamw}, {@code amsgrad}, {@code adagrad},
 * {@code rmsprop}, {@code lion}, {@code lamb}. Every one is a {@link TransformOptimizer} (every
 * hyperparameter readable and settable between steps); {@code sgd}, {@code adamw} and {@code lion}
 * run the fused kernels ({@link SgdMomentum}, {@link AdamW}, {@link LionFused}), whose state is that
 * of their composition from {@link Classic}/{@link Adam}. Each takes a typed hyperparameter record
 * ({@link SgdHyper}, {@link AdamHyper}, {@link AdamWHyper}, {@link AdagradHyper}, {@link RmspropHyper},
 * {@link LionHyper}, {@link LambHyper}) bound from the names; {@code betas} is given as
 * {@code betas=b1,b2} or as {@code beta1}/{@code beta2}.
 */
public final class ClassicOptimizers implements OptimizerFamily {
    private static final String TORCH = "BSD-3-Clause";

    public ClassicOptimizers() {}

    @Override
    public void register(OptimizerRegistry r) {
        r.add(new OptimizerInfo("sgd",
                "stochastic gradient descent with optional (Nesterov) momentum, dampening and coupled weight decay; fused",
                "Robbins & Monro, A Stochastic Approximation Method, 1951; momentum: Polyak 1964; Nesterov form: Sutskever et al., ICML 2013",
                "torch.optim.SGD (pytorch/pytorch)", TORCH, 1, false,
                OptimizerFactory.of(SgdHyper.SPEC, SgdMomentum::optimizer)));
        r.add(new OptimizerInfo("adam",
                "Adam with bias correction and coupled (L2) weight decay; amsgrad=true keeps the running maximum of v",
                "Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (arXiv 1412.6980)",
                "torch.optim.Adam (pytorch/pytorch)", TORCH, 2, false,
                OptimizerFactory.of(AdamHyper.SPEC, (params, grads, h) -> new TransformOptimizer("adam", params, grads, Classic.adam(h)))));
        r.add(new OptimizerInfo("adamw",
                "Adam with decoupled weight decay on every parameter; fused",
                "Loshchilov & Hutter, Decoupled Weight Decay Regularization, ICLR 2019 (arXiv 1711.05101)",
                "torch.optim.AdamW (pytorch/pytorch), amsgrad=False", TORCH, 2, false,
                OptimizerFactory.of(AdamWHyper.SPEC, AdamW::optimizer)));
        r.add(new OptimizerInfo("amsgrad",
                "Adam that divides by the running maximum of the second moment (torch Adam with amsgrad=True)",
                "Reddi, Kale & Kumar, On the Convergence of Adam and Beyond, ICLR 2018",
                "torch.optim.Adam(amsgrad=True) (pytorch/pytorch)", TORCH, 3, false,
                OptimizerFactory.of(AdamHyper.AMSGRAD_SPEC, (params, grads, h) -> new TransformOptimizer("amsgrad", params, grads, Classic.adam(h)))));
        r.add(new OptimizerInfo("adagrad",
                "Adagrad: per-coordinate steps scaled by the root of the sum of squared gradients",
                "Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning and Stochastic Optimization, JMLR 12, 2011",
                "torch.optim.Adagrad (pytorch/pytorch)", TORCH, 1, false,
                OptimizerFactory.of(AdagradHyper.SPEC, (params, grads, h) -> new TransformOptimizer("adagrad", params, grads,
                        Classic.adagrad(h.lr(), h.lrDecay(), h.weightDecay(), h.initialAccumulatorValue(), h.eps())))));
        r.add(new OptimizerInfo("rmsprop",
                "RMSprop: steps divided by the root of an exponential average of squared gradients; optional momentum and centring",
                "Tieleman & Hinton, COURSERA Neural Networks lecture 6.5, 2012; centred form: Graves, arXiv 1308.0850, 2013",
                "torch.optim.RMSprop (pytorch/pytorch)", TORCH, 1, false,
                OptimizerFactory.of(RmspropHyper.SPEC, (params, grads, h) -> new TransformOptimizer("rmsprop", params, grads,
                        Classic.rmsprop(h.lr(), h.alpha(), h.eps(), h.weightDecay(), h.momentum(), h.centered())))));
        r.add(new OptimizerInfo("lion",
                "Lion: sign of an interpolated momentum, decoupled weight decay; fused",
                "Chen et al., Symbolic Discovery of Optimization Algorithms, NeurIPS 2023 (arXiv 2302.06675)",
                "google/automl lion/lion_pytorch.py", "Apache-2.0", 1, false,
                OptimizerFactory.of(LionHyper.SPEC, LionFused::optimizer)));
        r.add(new OptimizerInfo("lamb",
                "LAMB: Adam direction plus decoupled decay, scaled per tensor by the trust ratio ||theta||/||update||",
                "You et al., Large Batch Optimization for Deep Learning: Training BERT in 76 minutes, ICLR 2020 (arXiv 1904.00962)",
                "optax.lamb (google-deepmind/optax)", "Apache-2.0", 2, false,
                OptimizerFactory.of(LambHyper.SPEC, (params, grads, h) -> new TransformOptimizer("lamb", params, grads,
                        Classic.lamb(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay())))));
    }
}
