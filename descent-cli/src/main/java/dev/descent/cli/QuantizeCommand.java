package dev.descent.cli;

import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
import dev.descent.quant.QuantizedSafetensors;
import dev.descent.quant.WeightFormat;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent quantize}: pack the linear weights of a safetensors file (NF4, int8, or FP8 E4M3 / E5M2 with
 * a float32 scale per block of 32, stored as the safetensors dtypes F8_E4M3 / F8_E5M2), or unpack them;
 * the layouts are {@link QuantizedSafetensors}'s.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize the linear weights of a safetensors file to NF4 (bitsandbytes' layout), int8, or FP8 (fp8_e4m3, fp8_e5m2: "
                + "F8_E4M3 / F8_E5M2 codes with a float32 scale per block of 32), or --dequantize one.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, description = "input .safetensors file")
    Path in;

    @Option(names = "--out", required = true, description = "output .safetensors file (written only if everything succeeds)")
    Path out;

    @Option(names = "--format", description = "nf4, int8, fp8_e4m3 or fp8_e5m2 (required unless --dequantize)")
    String format;

    @Option(names = "--dequantize", description = "decode every packed weight back to its original dtype")
    boolean dequantize;

    @Option(names = "--double-quant", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "NF4: also quantize the block scales to 8 bits (QLoRA's double quantization; default: ${DEFAULT-VALUE})")
    boolean doubleQuant;

    @Option(names = "--skip", split = ",", description = "names of weights to keep as they are (e.g. tied embeddings)")
    String[] skip = new String[0];

    @Override
    public Integer call() throws Exception {
        if (dequantize && format != null) throw new IllegalArgumentException("--format has no meaning with --dequantize");
        if (!dequantize && format == null) throw new IllegalArgumentException("--format is required; valid: nf4, int8, fp8_e4m3, fp8_e5m2 (or pass --dequantize)");
        Map<String, TypedTensor> tensors = Safetensors.readTyped(in).tensors();
        Map<String, TypedTensor> result;
        int changed;
        if (dequantize) {
            result = QuantizedSafetensors.dequantize(tensors);
            changed = (int) tensors.keySet().stream().filter(k -> k.contains(".quant_state.")).count();
        } else {
            WeightFormat f = WeightFormat.parse(format);
            Set<String> keep = new HashSet<>(Arrays.asList(skip));
            for (String s : keep) if (!tensors.containsKey(s)) throw new IllegalArgumentException("--skip names no tensor '" + s + "' in " + in);
            result = QuantizedSafetensors.quantize(tensors, f, doubleQuant, keep);
            changed = (int) tensors.entrySet().stream()
                    .filter(e -> !keep.contains(e.getKey()) && QuantizedSafetensors.eligible(e.getKey(), e.getValue(), f)).count();
        }
        Safetensors.writeTyped(out, result, Map.of());
        long before = tensors.values().stream().mapToLong(t -> t.bytes().length).sum();
        long after = result.values().stream().mapToLong(t -> t.bytes().length).sum();
        spec.commandLine().getOut().printf("%s %d weight%s: %d -> %d bytes (%.3fx) in %s%n", dequantize ? "dequantized" : "quantized", changed,
                changed == 1 ? "" : "s", before, after, (double) after / before, out);
        return 0;
    }
}
