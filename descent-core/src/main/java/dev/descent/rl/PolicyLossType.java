package dev.descent.rl;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the GRPO-family policy loss reduces its per-token terms {@code ℓ_bt} (mask {@code m_bt}, B
 * sequences), exactly as TRL's {@code GRPOTrainer._compute_loss} does for its {@code loss_type}
 * (huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8):
 * <pre>
 *   GRPO:    L = (1/B) Σ_b [Σ_t m_bt ℓ_bt / max(1, Σ_t m_bt)]         (each sequence by its own length)
 *   BNPO:    L = Σ_bt m_bt ℓ_bt / max(1, Σ_bt m_bt)                     (tokens of this batch)
 *   DR_GRPO: L = Σ_bt m_bt ℓ_bt / (B · max_completion_length)          (a constant: Dr. GRPO)
 *   DAPO:    L = Σ_bt m_bt ℓ_bt / max(1, N_global)                      (tokens of the whole generation batch)
 * </pre>
 * {@code N_global} is TRL's {@code num_items_in_batch}: the unmasked tokens of the global batch the
 * step's gradient is accumulated over; with one batch per step it is this batch's mask sum.
 *
 * <p>Two further types replace the clipped term itself, each with the reduction of its reference:
 * PACS, a binary cross-entropy on a sequence-level score ({@link PacsLoss}), and GTPO, the
 * conflict-aware unclipped policy gradient ({@link GtpoLoss}).
 */
public enum PolicyLossType {
    GRPO, BNPO, DR_GRPO, DAPO, PACS, GTPO;

    /** True for TRL's four reductions of the clipped term; false for PACS and GTPO, losses of their own. */
    public boolean clipped() { return this != PACS && this != GTPO; }

    /** The TRL spelling: grpo, bnpo, dr_grpo, dapo (and pacs, gtpo). */
    public String key() { return name().toLowerCase(Locale.ROOT); }

    /** Parses TRL's spelling; an unknown name is refused with the list of valid ones. */
    public static PolicyLossType byName(String name) {
        for (PolicyLossType t : values()) if (t.key().equals(name)) return t;
        throw new IllegalArgumentException("loss type must be one of " + names() + ", got '" + name + "'");
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(PolicyLossType::key).collect(Collectors.joining(", "));
    }
}
