package dev.descent.quant;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The packed weight formats a safetensors file can hold (see {@link QuantizedSafetensors}). */
public enum WeightFormat {
    /** QLoRA's 4-bit NormalFloat in blocks of 64 ({@link NormalFloat4}), bitsandbytes' serialization. */
    NF4,
    /** int8 codes in blocks of 32 with a float32 scale absmax/127 ({@link dev.descent.tensor.Int8BlockTensor}). */
    INT8,
    /** OCP FP8 E4M3 ({@link Fp8#E4M3}, torch {@code float8_e4m3fn}) codes in blocks of 32 with a float32 scale absmax/448. */
    FP8_E4M3,
    /** OCP FP8 E5M2 ({@link Fp8#E5M2}, torch {@code float8_e5m2}) codes in blocks of 32 with a float32 scale absmax/57344. */
    FP8_E5M2;

    /** The formats a training run's {@code quantize:} section can pack its base into (those with tensor kernels). */
    public static final List<WeightFormat> TRAINING = List.of(NF4, INT8);

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The FP8 encoding of an FP8 format, or null. */
    public Fp8 fp8() {
        return switch (this) {
            case FP8_E4M3 -> Fp8.E4M3;
            case FP8_E5M2 -> Fp8.E5M2;
            default -> null;
        };
    }

    /** The format named {@code name} (case-insensitive); an unknown name is refused with the valid ones listed. */
    public static WeightFormat parse(String name) {
        return parse(name, Arrays.asList(values()));
    }

    /** The format named {@code name} (case-insensitive) among {@code allowed}; any other name is refused with the allowed ones listed. */
    public static WeightFormat parse(String name, Collection<WeightFormat> allowed) {
        for (WeightFormat f : allowed) if (f.id().equalsIgnoreCase(name)) return f;
        throw new IllegalArgumentException("unknown quantization format '" + name + "'; valid: "
                + allowed.stream().map(WeightFormat::id).collect(Collectors.joining(", ")));
    }
}
