package dev.descent.peft;

import dev.descent.nn.DropoutStreams;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA on a model tree, as PEFT's {@code LoraModel} injects it ({@code tuners/tuners_utils.py}:
 * {@code inject_adapter} and {@code check_target_module_exists}, read at huggingface/peft commit
 * {@code 831fd03e04033a49a2523b4012970e1499b7b5c6}): every module whose dotted name the
 * configuration's {@code target_modules} names (and {@code exclude_modules} does not) is wrapped in a
 * {@link LoraLinear} (or, if already wrapped, gets one more adapter), with its rank and alpha from
 * {@code rank_pattern}/{@code alpha_pattern}; then every parameter is frozen except this adapter's
 * factors, the biases {@code bias} names ({@code all}: every parameter named {@code *bias};
 * {@code lora_only}: those of adapted layers) and the parameters of {@code modules_to_save} (trained in
 * place: this project keeps no second copy of them, so they are shared by all adapters of the model).
 *
 * <p>Bad input is refused before the tree changes: a target that matches no module (the message lists
 * the module names), a matched module that is not a linear layer, r ≤ 0 or r larger than a layer.
 */
public final class Lora {
    private Lora() {}

    /** What {@link #apply} did: the adapted layers' dotted names and the trainable and total parameter counts. */
    public record Applied(List<String> layers, long trainable, long total) {}

    /**
     * Adds adapter {@code adapterName} configured by {@code config} to {@code root} (before flattening)
     * and freezes everything else; adapter dropout draws from {@code dropoutStreams} (the model's).
     */
    public static Applied apply(Module root, LoraConfig config, String adapterName, long seed, DropoutStreams dropoutStreams) {
        Map<String, Module> modules = modules(root);
        List<String> targets = targets(modules, config);
        // Check every layer's rank before changing anything, so that a bad rank leaves the model as it was.
        for (String path : targets) {
            LinearLayer l = (LinearLayer) modules.get(path);
            int r = config.rankOf(path);
            if (r <= 0) throw new PeftException("r = " + r + " for " + path + " must be a positive integer");
            if (r > Math.min(l.inFeatures(), l.outFeatures())) {
                throw new PeftException("r = " + r + " for " + path + " exceeds the layer's smaller side (in " + l.inFeatures()
                        + ", out " + l.outFeatures() + ")");
            }
        }
        for (String path : targets) {
            Module m = modules.get(path);
            LoraLinear lora;
            if (m instanceof LoraLinear existing) {
                lora = existing;
            } else {
                lora = new LoraLinear((LinearLayer) m, dropoutStreams);
                root.replace(path, lora);
            }
            int r = config.rankOf(path);
            double alpha = config.alphaOf(path);
            lora.addAdapter(adapterName, path, r, alpha, config.scaling(r, alpha), config.loraDropout(), config.initLoraWeights(), seed);
        }
        markTrainable(root, config, adapterName);
        long trainable = 0;
        for (Parameter p : root.namedParameters().values()) if (p.isTrainable()) trainable += p.size();
        return new Applied(targets, trainable, root.parameterCount());
    }

    /**
     * Freezes every parameter except the factors of adapter {@code adapterName}, the biases {@code bias}
     * names and the modules to save. The factors of adapters added earlier are frozen too: they would get
     * no gradient while another adapter trains, but a weight decay would still shrink them.
     */
    private static void markTrainable(Module root, LoraConfig config, String adapterName) {
        Map<String, Module> modules = modules(root);
        List<String> loraLayers = new ArrayList<>();
        for (var e : modules.entrySet()) if (e.getValue() instanceof LoraLinear) loraLayers.add(e.getKey());
        List<String> saved = new ArrayList<>();
        for (String path : modules.keySet()) {
            if (Targets.suffix(config.modulesToSave(), path)) saved.add(path + ".");
        }
        root.freeze((name, p) -> {
            if (name.contains(".lora_A.") || name.contains(".lora_B.")) {
                return !(name.contains(".lora_A." + adapterName + ".") || name.contains(".lora_B." + adapterName + "."));
            }
            for (String s : saved) if (name.startsWith(s)) return false;
            if (name.endsWith("bias")) {
                if (config.bias() == LoraConfig.Bias.ALL) return false;
                if (config.bias() == LoraConfig.Bias.LORA_ONLY) {
                    for (String l : loraLayers) if (name.equals(l + ".base_layer.bias")) return false;
                }
            }
            return true;
        });
    }

    /** Name-matching helpers shared by targets and modules to save. */
    static final class Targets {
        private Targets() {}

        static boolean suffix(List<String> names, String key) {
            for (String n : names) if (key.equals(n) || key.endsWith("." + n)) return true;
            return false;
        }
    }

    /**
     * The dotted names of the modules {@code config} adapts, in tree order; a name that matches
     * nothing, or matches a module that is not a linear layer, is refused with the module names.
     */
    static List<String> targets(Map<String, Module> modules, LoraConfig config) {
        List<String> out = new ArrayList<>();
        LoraConfig.Targets t = config.targetModules();
        for (var e : modules.entrySet()) {
            String key = e.getKey();
            Module m = e.getValue();
            if (isInsideAdapter(key)) continue;
            if (!t.matches(key)) continue;
            if (config.excludeModules() != null && config.excludeModules().matches(key)) continue;
            if (!(m instanceof LinearLayer)) {
                if (t.allLinear()) continue;
                throw new PeftException("target module '" + key + "' is a " + m.getClass().getSimpleName()
                        + ", not a linear layer; LoRA adapts linear layers only");
            }
            out.add(key);
        }
        if (out.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String k : modules.keySet()) if (!isInsideAdapter(k)) names.add(k);
            throw new PeftException("target_modules " + t + " matches no module" + (config.excludeModules() == null ? "" : " (after exclude_modules)")
                    + "; module names: " + String.join(", ", names));
        }
        return out;
    }

    /** True for the modules an adapter adds (its base layer and factor dictionaries), which are never targets themselves. */
    private static boolean isInsideAdapter(String key) {
        return key.contains(".lora_A") || key.contains(".lora_B") || key.endsWith(".base_layer") || key.contains(".base_layer.");
    }

    /** Every module below {@code root} by dotted name, depth-first in registration order. */
    public static Map<String, Module> modules(Module root) {
        Map<String, Module> out = new LinkedHashMap<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Module m, String prefix, Map<String, Module> out) {
        for (var e : m.children().entrySet()) {
            String name = prefix + e.getKey();
            out.put(name, e.getValue());
            walk(e.getValue(), name + ".", out);
        }
    }

    /** The LoRA layers of {@code root} by dotted name. */
    public static Map<String, LoraLinear> layers(Module root) {
        Map<String, LoraLinear> out = new LinkedHashMap<>();
        for (var e : modules(root).entrySet()) if (e.getValue() instanceof LoraLinear l) out.put(e.getKey(), l);
        return out;
    }

    /** One adapted layer's factors of one adapter: the LoRA atom structure (lora_A [r, in] and lora_B [out, r] of the same module). */
    public record AdapterPair(String layer, LoraLinear module, LoraLinear.Adapter adapter) {
        /** Sets this adapter's forward scale on its layer (see {@link LoraLinear#setScaling}). */
        public void setScaling(double scaling) { module.setScaling(adapter.name(), scaling); }
    }

    /**
     * The factor pairs of adapter {@code adapterName} in every layer that has it, in tree order: which
     * parameters are the lora_A and lora_B of the same module, and its rank and alpha — read from the
     * modules, not from parameter names.
     */
    public static List<AdapterPair> adapterPairs(Module root, String adapterName) {
        List<AdapterPair> out = new ArrayList<>();
        for (var e : layers(root).entrySet()) {
            LoraLinear.Adapter ad = e.getValue().adapters().get(adapterName);
            if (ad != null) out.add(new AdapterPair(e.getKey(), e.getValue(), ad));
        }
        return out;
    }

    /** Makes {@code name} the active adapter of every LoRA layer that has it (null: the base model alone). */
    public static void setActive(Module root, String name) {
        for (LoraLinear l : layers(root).values()) l.setActive(name == null || l.adapterNames().contains(name) ? name : null);
    }

    /** Merges the active adapter of every LoRA layer into its base weight. */
    public static void merge(Module root) {
        for (LoraLinear l : layers(root).values()) if (l.active() != null) l.merge();
    }

    /** Unmerges every merged LoRA layer (restoring the base weights bit for bit). */
    public static void unmerge(Module root) {
        for (LoraLinear l : layers(root).values()) if (l.merged() != null) l.unmerge();
    }

    /**
     * The weights of {@code root} under the names the model has without adapters (each
     * {@code <path>.base_layer.<p>} as {@code <path>.<p>}, adapter factors left out): with the adapters
     * merged ({@link #merge}) this is the merged full model's state dict.
     */
    public static Map<String, Tensor> baseStateDict(Module root) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : root.namedParameters().entrySet()) {
            String n = e.getKey();
            if (n.contains(".lora_A.") || n.contains(".lora_B.")) continue;
            out.put(n.replace(".base_layer.", "."), e.getValue().value());
        }
        return out;
    }

    /** The parameters of {@code root} under the names the model has without adapters (see {@link #baseStateDict}). */
    public static Map<String, Parameter> baseParameters(Module root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (var e : root.namedParameters().entrySet()) {
            String n = e.getKey();
            if (n.contains(".lora_A.") || n.contains(".lora_B.")) continue;
            out.put(n.replace(".base_layer.", "."), e.getValue());
        }
        return out;
    }
}
