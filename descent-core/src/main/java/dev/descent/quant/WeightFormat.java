package dev.descent.quant;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The packed weight formats a safetensors file can hold (see {@link QuantizedSafetensors}). */
public enum WeightFormat {
    /** QLoRA's 4-bit NormalFloat in blocks of 64 ({@link NormalFloat4}), bitsandbytes' serialization. */
    NF4,
    /** int8 codes in blocks of 32 with a float32 scale absmax/127 ({@link dev.descent.tensor.Int8BlockTensor}). */
    INT8;

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name} (case-insensitive); an unknown name is refused with the valid ones listed. */
    public static WeightFormat parse(String name) {
        for (WeightFormat f : values()) if (f.id().equalsIgnoreCase(name)) return f;
        throw new IllegalArgumentException("unknown quantization format '" + name + "'; valid: "
                + Arrays.stream(values()).map(WeightFormat::id).collect(Collectors.joining(", ")));
    }
}
