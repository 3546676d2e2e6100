package dev.descent.peft;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.Safetensors;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TeRA (Gu, Zhou, Iacovides, Mandic, "TeRA: Vector-based Random Tensor Network for High-Rank Adaptation
 * of Large Language Models", arXiv 2509.03234, ACL 2026; code announced at github.com/guyuxuan9/TeRA).
 * The authors' code and the paper's method section could not be read when this was written (only the
 * abstract, and a survey's one-line summary "frozen core and factors shared across updates; only diagonal
 * factors are trained"); this is the most faithful reading of the abstract: "the tensorized weight update
 * matrix [is parameterized] as a Tucker-like tensor network, in which large randomly initialized factors
 * are frozen and shared across layers, while only small layer-specific scaling vectors, formed by entries
 * in diagonal factor matrices, are trained".
 *
 * <p>Form ({@link TeraFactors}, {@link TeraLinear}): ΔW {@code [out, in]} tensorized as
 * {@code [o₁, o₂, i₁, i₂]} and
 * <pre>
 *   ΔW = (1/√in) · G ×₁ (U_{o₁} Λ₁) ×₂ (U_{o₂} Λ₂) ×₃ (U_{i₁} Λ₃) ×₄ (U_{i₂} Λ₄),   Λₙ = diag(λₙ),  λₙ ∈ ℝʳ
 * </pre>
 * with the core G {@code [r, r, r, r]} and the factors U_d {@code [d, r]} drawn once from the run's seed and
 * shared by every adapted layer (one U per mode size), and only the λₙ trained: {@code 4r} trainable
 * elements per layer, whatever its size, while ΔW's rank can reach min(o₁o₂, i₁i₂, r²). Choices where the
 * abstract says nothing (stated in docs/peft.md): the order-4 tensorization with the two most nearly
 * square factors of each side; one Tucker rank r = {@code peft.r} on all four modes (a per-layer
 * {@code rank_pattern} is refused: the core is shared); the diagonal matrices between the core and the
 * frozen factors (rank side); G ~ N(0, 1), U ~ N(0, 1/r) and the scale 1/√in; λ₁ = λ₂ = λ₃ = 1, λ₄ = 0
 * at the start (ΔW = 0, as VeRA's zero λ_b); {@code lora_alpha} is not used.
 *
 * <p>Files (PEFT has no TeRA): {@code adapter_config.json} is the LoRA configuration's JSON with
 * {@code peft_type = "TERA"} and {@code tera_seed}; {@code adapter_model.safetensors} holds, per adapted
 * layer at dotted path P, {@code base_model.model.P.tera_lambda_1 … _4} {@code [r]}, and once the shared
 * {@code tera_shared.core} {@code [r, r, r, r]} and {@code tera_shared.factor_<d>} {@code [d, r]}, so the
 * file alone defines the update.
 */
public final class Tera {
    public static final String PEFT_TYPE = "TERA";
    static final String CORE = "tera_shared.core";
    static final String FACTOR = "tera_shared.factor_";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tera() {}

    /**
     * Wraps every target of {@code config} in a {@link TeraLinear} on factors drawn from {@code seed} and
     * freezes everything but the scaling vectors.
     */
    public static Lora.Applied apply(Module root, LoraConfig config, long seed, DropoutStreams streams) {
        checkConfig(config);
        Map<String, Module> modules = Lora.modules(root);
        List<String> targets = Lora.targets(modules, config);
        List<Integer> sizes = new ArrayList<>();
        for (String path : targets) {
            LinearLayer l = (LinearLayer) modules.get(path);
            for (int d : TeraFactors.modes(l.outFeatures(), l.inFeatures())) sizes.add(d);
        }
        return wrap(root, targets, TeraFactors.random(config.r(), sizes, seed), config.loraDropout(), streams);
    }

    private static void checkConfig(LoraConfig config) {
        TeraFactors.checkRank(config.r());
        if (!config.rankPattern().isEmpty()) throw new PeftException("'peft.rank_pattern' is not supported with variant tera (its core is shared by every layer, one rank r)");
        if (config.bias() != LoraConfig.Bias.NONE) throw new PeftException("'peft.bias' = " + config.bias().peftName() + " is not supported with variant tera; allowed: none");
        if (!config.modulesToSave().isEmpty()) throw new PeftException("'peft.modules_to_save' is not supported with variant tera");
        if (config.initLoraWeights() != LoraConfig.Init.DEFAULT) throw new PeftException("'peft.init_lora_weights' is not used with variant tera; leave it unset");
    }

    private static Lora.Applied wrap(Module root, List<String> targets, TeraFactors factors, double dropout, DropoutStreams streams) {
        Map<String, Module> modules = Lora.modules(root);
        for (String path : targets) root.replace(path, new TeraLinear((LinearLayer) modules.get(path), factors, dropout, streams));
        root.freeze((name, p) -> !name.contains(".tera_lambda_"));
        long trainable = 0;
        for (Parameter p : root.namedParameters().values()) if (p.isTrainable()) trainable += p.size();
        return new Lora.Applied(targets, trainable, root.parameterCount());
    }

    /** The TeRA layers of {@code root} by dotted name. */
    public static Map<String, TeraLinear> layers(Module root) {
        Map<String, TeraLinear> out = new LinkedHashMap<>();
        for (var e : Lora.modules(root).entrySet()) if (e.getValue() instanceof TeraLinear l) out.put(e.getKey(), l);
        return out;
    }

    /** Merges every TeRA layer's update into its base weight. */
    public static void merge(Module root) { layers(root).values().forEach(TeraLinear::merge); }

    /** Restores every merged base weight. */
    public static void unmerge(Module root) { layers(root).values().forEach(TeraLinear::unmerge); }

    /** The adapter's tensors under their saved names (see the class comment). */
    public static Map<String, Tensor> adapterTensors(Module root) {
        Map<String, TeraLinear> layers = layers(root);
        if (layers.isEmpty()) throw new PeftException("the model has no TeRA layer");
        Map<String, Tensor> out = new LinkedHashMap<>();
        TeraFactors f = layers.values().iterator().next().factors();
        out.put(CORE, f.core());
        for (var e : f.factors().entrySet()) out.put(FACTOR + e.getKey(), e.getValue());
        for (var e : layers.entrySet()) {
            for (int n = 0; n < 4; n++) out.put(AdapterFiles.PREFIX + e.getKey() + ".tera_lambda_" + (n + 1), e.getValue().lambda(n).value());
        }
        return out;
    }

    /** Writes the adapter ({@link #adapterTensors}, the configuration with {@code peft_type = TERA}) into {@code dir}. */
    public static void save(Path dir, Module root, LoraConfig config, long seed) throws IOException {
        ObjectNode json = config.toJson(JSON);
        json.put("peft_type", PEFT_TYPE);
        json.put("tera_seed", seed);
        VariantFiles.write(dir, adapterTensors(root), json);
    }

    /**
     * Adds the TeRA adapter saved in {@code dir} to {@code root} (before flattening): its shared factors and
     * scaling vectors are those of the file. A file that does not fit the model (another type, a missing or
     * extra tensor, another shape) is refused with one line before the model is changed.
     */
    public static LoraConfig load(Path dir, Module root, DropoutStreams streams) throws IOException {
        LoraConfig config = VariantFiles.readConfig(dir, PEFT_TYPE);
        checkConfig(config);
        Path wf = dir.resolve(AdapterFiles.WEIGHTS);
        Map<String, Tensor> saved = VariantFiles.readWeights(dir);
        Tensor core = saved.get(CORE);
        if (core == null) throw new PeftException(wf + " has no tensor '" + CORE + "'");
        Map<Integer, Tensor> factors = new TreeMap<>();
        for (var e : saved.entrySet()) {
            if (!e.getKey().startsWith(FACTOR)) continue;
            try {
                factors.put(Integer.parseInt(e.getKey().substring(FACTOR.length())), e.getValue());
            } catch (NumberFormatException ex) {
                throw new PeftException(wf + " holds '" + e.getKey() + "', which is not a TeRA factor name (" + FACTOR + "<mode size>)");
            }
        }
        TeraFactors f = TeraFactors.of(core, factors);
        if (f.rank() != config.r()) throw new PeftException(wf + ": the core has rank " + f.rank() + " but the configuration says r = " + config.r());
        Map<String, Module> modules = Lora.modules(root);
        List<String> targets = Lora.targets(modules, config);
        List<String> expected = new ArrayList<>(List.of(CORE));
        for (int d : factors.keySet()) expected.add(FACTOR + d);
        for (String path : targets) {
            LinearLayer l = (LinearLayer) modules.get(path);
            for (int d : TeraFactors.modes(l.outFeatures(), l.inFeatures())) {
                if (!factors.containsKey(d)) throw new PeftException(wf + " has no tensor '" + FACTOR + d + "' that " + path + " needs: an adapter for another base");
            }
            for (int n = 1; n <= 4; n++) {
                String k = AdapterFiles.PREFIX + path + ".tera_lambda_" + n;
                Tensor t = saved.get(k);
                if (t == null) throw new PeftException(wf + " has no tensor '" + k + "': an adapter for another base or other target modules");
                if (t.rank() != 1 || t.dim(0) != f.rank()) {
                    throw new PeftException(wf + ": '" + k + "' has shape " + Arrays.toString(t.shape()) + ", expected [" + f.rank() + "]");
                }
                expected.add(k);
            }
        }
        for (String k : saved.keySet()) {
            if (!expected.contains(k)) throw new PeftException(wf + " holds '" + k + "', which this model does not have: an adapter for another base");
        }
        wrap(root, targets, f, config.loraDropout(), streams);
        for (var e : layers(root).entrySet()) {
            for (int n = 0; n < 4; n++) e.getValue().lambda(n).value().copyFrom(saved.get(AdapterFiles.PREFIX + e.getKey() + ".tera_lambda_" + (n + 1)));
        }
        return config;
    }
}
