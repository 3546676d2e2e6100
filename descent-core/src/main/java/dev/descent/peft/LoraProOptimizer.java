package dev.descent.peft;

import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StepReport;
import dev.descent.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Any first-order optimizer run on LoRA-Pro's adjusted gradients ({@link LoraPro}): before each step,
 * the gradients of every adapter pair are replaced by the pair whose equivalent gradient best
 * approximates the full gradient; then the wrapped optimizer steps on them as usual. Everything else
 * (state, learning rate, name) is the wrapped optimizer's own, so its checkpoints are unchanged.
 *
 * <p>Choice: the paper's Algorithm 1 (and the authors' code, {@link LoraPro} gives the commit) pairs the
 * adjustment with AdamW whose moments are kept for the full {@code [out, in]} equivalent gradient of
 * each layer; the Adam direction is mapped back to the adapter ({@code s·Bᵀ ĝ}, {@code s·ĝ Aᵀ}), adjusted
 * again and applied with plain SGD. Those moments cost as much memory as full fine-tuning of the
 * adapted layers. Here the adjustment is a pure gradient transformation: the wrapped optimizer (AdamW
 * in the benchmark) keeps its moments for the adjusted {@code g_A}, {@code g_B} only, so the run has
 * LoRA's memory. Gradient clipping (done by the training loop before {@link #step()}) acts on the
 * plain LoRA gradients.
 */
public final class LoraProOptimizer implements Optimizer {
    private final Optimizer inner;
    private final List<Lora.AdapterPair> pairs;

    /** Wraps {@code inner}, built over a flattened model whose adapter pairs are {@code pairs} (their factors trainable). */
    public LoraProOptimizer(Optimizer inner, List<Lora.AdapterPair> pairs) {
        this.inner = Objects.requireNonNull(inner, "optimizer");
        if (!inner.needsGradients()) throw new PeftException("LoRA-Pro adjusts gradients; optimizer " + inner.name() + " does not use them");
        if (pairs.isEmpty()) throw new PeftException("LoRA-Pro needs at least one LoRA adapter pair");
        for (Lora.AdapterPair p : pairs) {
            if (p.adapter().loraA().grad() == null || p.adapter().loraB().grad() == null) {
                throw new PeftException("LoRA-Pro needs trainable lora_A and lora_B in " + p.layer());
            }
        }
        this.pairs = List.copyOf(pairs);
    }

    /** Adjusts the gradients of every adapter pair in place ({@link LoraPro#adjust}). */
    public void adjustGradients() {
        for (Lora.AdapterPair p : pairs) {
            LoraLinear.Adapter ad = p.adapter();
            Tensor a = ad.loraA().value();
            Tensor b = ad.loraB().value();
            LoraPro.adjust(a, b, ad.loraA().grad(), ad.loraB().grad(), ad.rank(), p.module().inFeatures(), p.module().outFeatures(),
                    ad.scaling());
        }
    }

    @Override
    public void step() {
        adjustGradients();
        inner.step();
    }

    @Override
    public StepReport step(Objective objective) {
        double loss = objective.lossAndGradient();
        step();
        return StepReport.applied(loss, 1);
    }

    @Override
    public void zeroGrad() { inner.zeroGrad(); }

    @Override
    public double learningRate() { return inner.learningRate(); }

    @Override
    public void setLearningRate(double lr) { inner.setLearningRate(lr); }

    @Override
    public long stepCount() { return inner.stepCount(); }

    @Override
    public Map<String, Tensor> state() { return inner.state(); }

    @Override
    public Map<String, Double> scalars() { return inner.scalars(); }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) { inner.loadState(tensors, scalars); }

    @Override
    public String name() { return inner.name(); }
}
