package dev.descent.peft;

import dev.descent.linalg.Svd;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Linear;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA-SB (Ponkshe, Singhal et al., "Initialization using Update Approximation is a Silver Bullet for
 * Extremely Efficient Low-Rank Fine-Tuning", 2024; the authors' code RaghavSinghal10/lora-sb at commit
 * {@code 37b33d4c4c573de20f314bc1231b84ee49771759}: {@code utils/gradient_utils.py}
 * {@code estimate_and_process_grads_torch}, {@code utils/initialization_utils.py}
 * {@code find_and_initialize_grad}, {@code utils/latent_utils.py}).
 *
 * <p>Structure (LoRA-XS): {@code W = W₀ + s·B R A} with B {@code [out, r]}, A {@code [r, in]} frozen and
 * only R {@code [r, r]} trained ({@link LoraSbLinear}): r² trainable elements per layer.
 *
 * <p>Initialisation from the update full fine-tuning would make first: with {@code G} the full gradient
 * of the base weight summed over the first {@code lora_sb_init_samples} training sequences (the code's
 * {@code num_samples = 50}; here in batches of the run's batch size, each batch's mean loss, from the
 * stream {@code (seed, "lora_sb/init")}), the first step of Adam (whose first update is
 * {@code −η·sign(G)}) is approximated by its best rank-r approximation,
 * <pre>
 *   ΔW₀ = −η₁ · sign(G) = U Σ Vᵀ,    B = U_r,  R = Σ_r,  A = V_rᵀ,   s = 1
 * </pre>
 * (Eckart–Young: {@code B R A} is the closest rank-r matrix to ΔW₀), and the base weight is left as it is:
 * the adapted model starts one approximate full fine-tuning step away from the base, as in the code.
 * η₁ is the learning rate of the run's first step (the code's {@code lr / (warmup_ratio · total_steps)},
 * the first value of its linear warm-up; with a constant learning rate, the learning rate). The code
 * forces {@code lora_alpha = r}, so s = 1 here whatever {@code lora_alpha} says (the saved adapter says
 * {@code lora_alpha = r}). Choice: the SVD is exact (float64, EJML), where the code uses the randomised
 * {@code torch.svd_lowrank} (10 power iterations, bfloat16 results); the optimal directions are those of
 * the exact SVD. B and A have orthonormal columns and rows, which is what makes R's gradient the
 * projection {@code Bᵀ G Aᵀ} of the full gradient (the paper's "update space" argument).
 *
 * <p>Saving: {@code B R A} is an ordinary rank-r LoRA product, so the run's adapter files are PEFT's LoRA
 * files with {@code lora_B = B·R}, {@code lora_A = A} and {@code lora_alpha = r}; the checkpoint's
 * {@code model.safetensors} holds R under {@code …lora_latent.default.weight}.
 */
public final class LoraSb {
    private LoraSb() {}

    /**
     * Wraps every target of {@code config} in a {@link LoraSbLinear} initialised from the accumulated
     * gradient its base weight holds now (computed by the caller on the model before flattening) and
     * freezes everything but the R matrices. {@code firstLearningRate} is η₁.
     */
    public static Lora.Applied apply(Module root, LoraConfig config, String adapterName, double firstLearningRate, DropoutStreams streams) {
        if (config.bias() != LoraConfig.Bias.NONE) throw new PeftException("'peft.bias' = " + config.bias().peftName() + " is not supported with variant lora_sb; allowed: none");
        if (!config.modulesToSave().isEmpty()) throw new PeftException("'peft.modules_to_save' is not supported with variant lora_sb");
        if (config.initLoraWeights() != LoraConfig.Init.DEFAULT) {
            throw new PeftException("'peft.init_lora_weights' is not used with variant lora_sb (it initialises from the first gradient); leave it unset");
        }
        if (!(firstLearningRate > 0)) throw new PeftException("LoRA-SB needs a positive first learning rate, got " + firstLearningRate);
        Map<String, Module> modules = Lora.modules(root);
        List<String> targets = Lora.targets(modules, config);
        Map<String, double[]> updates = new LinkedHashMap<>();
        for (String path : targets) {
            Module m = modules.get(path);
            if (!(m instanceof Linear l)) {
                throw new PeftException("variant lora_sb needs the full gradient of " + path + "'s weight, but it is a "
                        + m.getClass().getSimpleName() + "; only a plain float32 Linear has one (no quantize section)");
            }
            int r = config.rankOf(path);
            if (r <= 0 || r > Math.min(l.inFeatures(), l.outFeatures())) {
                throw new PeftException("r = " + r + " for " + path + " must be in [1, " + Math.min(l.inFeatures(), l.outFeatures()) + "]");
            }
            Tensor g = l.weight.grad();
            if (g == null) throw new PeftException("variant lora_sb: no gradient was accumulated for " + path + ".weight");
            updates.put(path, firstUpdate(g, firstLearningRate));
        }
        for (String path : targets) {
            Linear l = (Linear) modules.get(path);
            LoraSbLinear sb = new LoraSbLinear(l, adapterName, config.rankOf(path), 1.0, config.loraDropout(), streams);
            initialise(sb, updates.get(path));
            root.replace(path, sb);
        }
        root.freeze((name, p) -> !name.contains(".lora_latent." + adapterName + "."));
        long trainable = 0;
        for (Parameter p : root.namedParameters().values()) if (p.isTrainable()) trainable += p.size();
        return new Lora.Applied(targets, trainable, root.parameterCount());
    }

    /** Adam's first update {@code −η·sign(G)} of a gradient G (float64; sign(0) = 0). */
    public static double[] firstUpdate(Tensor g, double lr) {
        double[] out = new double[g.size()];
        for (int i = 0; i < out.length; i++) out[i] = -lr * Math.signum(g.data()[g.offset() + i]);
        return out;
    }

    /** Sets B = U_r, R = Σ_r, A = V_rᵀ from the SVD of the update {@code delta} [out, in]. */
    public static void initialise(LoraSbLinear layer, double[] delta) {
        int out = layer.outFeatures();
        int in = layer.inFeatures();
        int r = layer.rank();
        Svd svd = Svd.of(delta, out, in);
        int k = Math.min(out, in);
        Tensor a = layer.loraA().value();
        Tensor b = layer.loraB().value();
        Tensor rr = layer.latent().value();
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < in; j++) a.data()[a.offset() + i * in + j] = (float) svd.v()[j * k + i];
            for (int o = 0; o < out; o++) b.data()[b.offset() + o * r + i] = (float) svd.u()[o * k + i];
            for (int j = 0; j < r; j++) rr.data()[rr.offset() + i * r + j] = i == j ? (float) svd.sigma()[i] : 0f;
        }
    }

    /** The LoRA-SB layers of {@code root} by dotted name. */
    public static Map<String, LoraSbLinear> layers(Module root) {
        Map<String, LoraSbLinear> out = new LinkedHashMap<>();
        for (var e : Lora.modules(root).entrySet()) if (e.getValue() instanceof LoraSbLinear l) out.put(e.getKey(), l);
        return out;
    }

    /** The configuration a LoRA-SB run's adapter file carries: its targets and ranks with s = 1 ({@code lora_alpha = r} on every layer). */
    public static LoraConfig savedConfig(LoraConfig config) {
        Map<String, Double> alphas = new LinkedHashMap<>();
        config.rankPattern().forEach((k, v) -> alphas.put(k, (double) v));
        return new LoraConfig(config.r(), config.r(), config.loraDropout(), false, config.bias(), config.targetModules(), config.excludeModules(),
                config.modulesToSave(), config.initLoraWeights(), config.rankPattern(), alphas, config.baseModelNameOrPath());
    }

    /** The adapter as a PEFT LoRA adapter: {@code lora_A = A}, {@code lora_B = B·R} per layer, under PEFT's saved names. */
    public static Map<String, Tensor> adapterTensors(Module root) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : layers(root).entrySet()) {
            LoraSbLinear l = e.getValue();
            out.put(AdapterFiles.PREFIX + e.getKey() + ".lora_A.weight", l.loraA().value());
            out.put(AdapterFiles.PREFIX + e.getKey() + ".lora_B.weight", Tensor.of(l.foldedB(), l.outFeatures(), l.rank()));
        }
        if (out.isEmpty()) throw new PeftException("the model has no LoRA-SB layer");
        return out;
    }

    /** Writes the adapter in PEFT's LoRA files ({@link #adapterTensors}, {@link #savedConfig}) into {@code dir}. */
    public static void save(Path dir, Module root, LoraConfig config) throws IOException {
        AdapterFiles.write(dir, adapterTensors(root), savedConfig(config));
    }
}
