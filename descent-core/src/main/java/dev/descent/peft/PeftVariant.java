package dev.descent.peft;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which LoRA variant a {@code peft:} section trains ({@code peft.variant}, default {@code lora}), with the
 * variant's own options. Every variant keeps LoRA's targets, rank and module names; see docs/peft.md.
 * <ul>
 *   <li>{@code lora}: plain LoRA ({@link LoraLinear});</li>
 *   <li>{@code lora_pro}: LoRA with LoRA-Pro's adjusted gradients ({@link LoraPro}, {@link LoraProOptimizer});</li>
 *   <li>{@code lora_sb}: LoRA-SB, a trainable r×r matrix between fixed factors initialised from the first
 *       full gradient ({@link LoraSb}); option {@code lora_sb_init_samples} (default 50, the authors'
 *       {@code num_samples}): how many training sequences that gradient is estimated from;</li>
 *   <li>{@code increlora}: IncreLoRA, ranks added during training by module importance
 *       ({@link IncreLoraLinear}, {@link IncreLoraAllocator}, {@link IncreLoraOptimizer}); options
 *       {@code increlora_*} ({@link IncreLoraOptions});</li>
 *   <li>{@code tera}: TeRA, a Tucker tensor network with frozen random core and factors shared by every
 *       layer and only 4·r scaling vectors per layer trained ({@link Tera}, {@link TeraLinear});</li>
 *   <li>{@code hut}: HUT, the base weight transformed element-wise, {@code W₀ ⊙ (J + s·B A)}
 *       ({@link Hut}, {@link HutLinear}).</li>
 * </ul>
 */
public record PeftVariant(Kind kind, int loraSbInitSamples, IncreLoraOptions increlora) {
    /** The variants by their configuration name. */
    public enum Kind {
        LORA, LORA_PRO, LORA_SB, INCRELORA, TERA, HUT;

        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    /** The keys of a {@code peft:} section that this record reads (the others are {@link LoraConfig}'s). */
    public static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("variant", "lora_sb_init_samples"));
        keys.addAll(IncreLoraOptions.KEYS);
        KEYS = List.copyOf(keys);
    }

    /** Plain LoRA. */
    public static final PeftVariant LORA = new PeftVariant(Kind.LORA, 50, null);

    /** The valid {@code variant} names. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Kind k : Kind.values()) out.add(k.id());
        return out;
    }

    /** The variant of a {@code peft:} section (name → text); {@code path} is the section's name in messages. */
    public static PeftVariant fromSection(Map<String, String> m, String path) {
        Kind kind = Kind.LORA;
        String v = m.get("variant");
        if (v != null) {
            kind = null;
            for (Kind k : Kind.values()) if (k.id().equals(v.trim())) kind = k;
            if (kind == null) throw new PeftException("'" + path + ".variant' = " + v + " is not allowed; allowed: one of " + names());
        }
        int samples = 50;
        String s = m.get("lora_sb_init_samples");
        if (s != null) {
            try {
                samples = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new PeftException("'" + path + ".lora_sb_init_samples' = " + s + " has the wrong type; allowed: an integer");
            }
            if (samples <= 0) throw new PeftException("'" + path + ".lora_sb_init_samples' = " + s + " must be a positive integer");
            if (kind != Kind.LORA_SB) throw new PeftException("'" + path + ".lora_sb_init_samples' applies to variant lora_sb only");
        }
        IncreLoraOptions inc = IncreLoraOptions.fromSection(m, path);
        if (inc != null && kind != Kind.INCRELORA) throw new PeftException("'" + path + ".increlora_*' keys apply to variant increlora only");
        if (kind == Kind.INCRELORA && inc == null) inc = IncreLoraOptions.DEFAULTS;
        return new PeftVariant(kind, samples, inc);
    }
}
