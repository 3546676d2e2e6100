package dev.descent.peft;

import dev.descent.optim.ForwardingOptimizer;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StepReport;
import dev.descent.tensor.Tensor;
import java.util.List;

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
public final class LoraProOptimizer extends ForwardingOptimizer {
    private final List<Lora.AdapterPair> pairs;

    /** Wraps {@code inner}, built over a flattened model whose adapter pairs are {@code pairs} (their factors trainable). */
    public LoraProOptimizer(Optimizer inner, List<Lora.AdapterPair> pairs) {
        super(inner);
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
        inner().step();
    }

    /** The gradient, then {@link #step()} (which adjusts it). */
    @Override
    public StepReport step(Objective objective) { return gradientThenStep(objective); }
}
