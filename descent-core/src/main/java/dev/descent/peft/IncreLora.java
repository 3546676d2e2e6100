package dev.descent.peft;

import dev.descent.nn.DropoutStreams;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Building and saving IncreLoRA adapters (variant {@code increlora}; the method and its reference are in
 * {@link IncreLoraAllocator}, the layer in {@link IncreLoraLinear}, the training hook in
 * {@link IncreLoraOptimizer}).
 */
public final class IncreLora {
    private IncreLora() {}

    /** The adapted model: its layers and the allocator over them. */
    public record Built(Lora.Applied applied, Map<String, IncreLoraLinear> layers, IncreLoraAllocator allocator) {}

    /**
     * Wraps every target of {@code config} in an {@link IncreLoraLinear} with room for the options' maximum
     * rank, initialised at {@code config.r()} components (λ = 0, a, b ~ N(0, 0.02²) from the stream
     * {@code (seed, "increlora/init/<layer>")}), and freezes everything but A, B and λ. A budget below the
     * initial total rank, or a maximum below r, is refused with one line.
     */
    public static Built apply(Module root, LoraConfig config, String adapterName, IncreLoraOptions options, long seed, DropoutStreams streams) {
        if (config.bias() != LoraConfig.Bias.NONE) throw new PeftException("'peft.bias' = " + config.bias().peftName() + " is not supported with variant increlora; allowed: none");
        if (!config.modulesToSave().isEmpty()) throw new PeftException("'peft.modules_to_save' is not supported with variant increlora");
        if (!config.rankPattern().isEmpty() || !config.alphaPattern().isEmpty()) {
            throw new PeftException("'peft.rank_pattern' and 'peft.alpha_pattern' are not used with variant increlora (ranks are allocated during training)");
        }
        if (config.useRslora()) throw new PeftException("'peft.use_rslora' is not supported with variant increlora");
        if (config.initLoraWeights() != LoraConfig.Init.DEFAULT) throw new PeftException("'peft.init_lora_weights' is not used with variant increlora; leave it unset");
        Map<String, Module> modules = Lora.modules(root);
        List<String> targets = Lora.targets(modules, config);
        int r = config.r();
        IncreLoraAllocator.Settings settings = options.settings(r, targets.size());
        Map<String, Integer> maxRanks = new LinkedHashMap<>();
        for (String path : targets) {
            if (!(modules.get(path) instanceof LinearLayer l)) throw new PeftException(path + " is not a linear layer");
            int side = Math.min(l.inFeatures(), l.outFeatures());
            int auto = r + settings.budget() - r * targets.size() + settings.rankPerAdd();
            int max = Math.min(side, options.maxRank() > 0 ? options.maxRank() : auto);
            if (max < r) throw new PeftException("'peft.increlora_max_rank' = " + max + " is below r = " + r + " for " + path);
            maxRanks.put(path, max);
        }
        IncreLoraAllocator allocator = new IncreLoraAllocator(settings, maxRanks);
        Map<String, IncreLoraLinear> layers = new LinkedHashMap<>();
        for (String path : targets) {
            IncreLoraLinear l = new IncreLoraLinear((LinearLayer) modules.get(path), adapterName, maxRanks.get(path), config.loraAlpha(),
                    config.loraDropout(), streams);
            l.initialise(r, Philox.stream(seed, "increlora/init/" + path));
            root.replace(path, l);
            layers.put(path, l);
        }
        root.freeze((name, p) -> !(name.contains(".lora_A." + adapterName + ".") || name.contains(".lora_B." + adapterName + ".")
                || name.contains(".lora_E." + adapterName + ".")));
        long trainable = 0;
        for (Parameter p : root.namedParameters().values()) if (p.isTrainable()) trainable += p.size();
        return new Built(new Lora.Applied(targets, trainable, root.parameterCount()), layers, allocator);
    }

    /** The IncreLoRA layers of {@code root} by dotted name. */
    public static Map<String, IncreLoraLinear> layers(Module root) {
        Map<String, IncreLoraLinear> out = new LinkedHashMap<>();
        for (var e : Lora.modules(root).entrySet()) if (e.getValue() instanceof IncreLoraLinear l) out.put(e.getKey(), l);
        return out;
    }

    /**
     * The adapter as a PEFT LoRA adapter of the same function: per layer, over its n = active + reserve used
     * components, {@code lora_A = A_{:n}}, {@code lora_B = B_{:,:n} diag(λ_{:n})}, rank n and alpha
     * {@code α·n/ρ} (so PEFT's scaling alpha/n is the layer's α/ρ).
     */
    public static void save(Path dir, Module root, LoraConfig config) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        Map<String, Double> alphas = new LinkedHashMap<>();
        for (var e : layers(root).entrySet()) {
            IncreLoraLinear l = e.getValue();
            int n = l.rank() + l.reserve();
            int in = l.inFeatures();
            Tensor a = l.loraA().value();
            float[] an = new float[n * in];
            System.arraycopy(a.data(), a.offset(), an, 0, n * in);
            tensors.put(AdapterFiles.PREFIX + e.getKey() + ".lora_A.weight", Tensor.of(an, n, in));
            tensors.put(AdapterFiles.PREFIX + e.getKey() + ".lora_B.weight", Tensor.of(l.foldedB(), l.outFeatures(), n));
            ranks.put(e.getKey(), n);
            alphas.put(e.getKey(), config.loraAlpha() * n / l.rank());
        }
        if (tensors.isEmpty()) throw new PeftException("the model has no IncreLoRA layer");
        LoraConfig saved = new LoraConfig(config.r(), config.loraAlpha(), config.loraDropout(), false, config.bias(), config.targetModules(),
                config.excludeModules(), config.modulesToSave(), config.initLoraWeights(), ranks, alphas, config.baseModelNameOrPath());
        AdapterFiles.write(dir, tensors, saved);
    }
}
