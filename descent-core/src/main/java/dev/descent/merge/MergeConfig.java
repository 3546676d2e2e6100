package dev.descent.merge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.descent.config.ConfigException;
import dev.descent.config.Schema;
import dev.descent.config.YamlConfig;
import dev.descent.io.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A merge described in mergekit's YAML schema:
 *
 * <pre>
 * merge_method: ties            # see MergeMethod for the names
 * base_model: runs/base         # a run folder or a .safetensors file (required except for linear)
 * models:
 *   - model: runs/expert-a
 *     parameters: {weight: 0.5, density: 0.7}
 *   - model: experts/b.safetensors
 *     parameters: {weight: 0.5, density: 0.7}
 * parameters: {normalize: true, lambda: 1.0, rescale: false}
 * dtype: bfloat16               # output dtype (float32, float16, bfloat16); default: the base's dtype per tensor
 * seed: 0                       # DARE's mask stream (our addition; mergekit draws from torch's global generator)
 * </pre>
 *
 * <p>Per-model {@code parameters} are {@code weight} (required, as in mergekit; ace has none and ignores it), {@code density} (in (0, 1],
 * default 1) and {@code gamma} (breadcrumbs, in [0, 1), default 0.01); a global {@code parameters:} entry of
 * the same name is the default for every model, as in mergekit. Global parameters are {@code normalize},
 * {@code rescale} (defaults per method), {@code lambda} (default 1). Paths are resolved against the folder
 * of the configuration file. Unknown keys are refused with their path. {@code pcb} takes mergekit's
 * method parameters instead: global {@code density} (required, in (0, 1]) and {@code weight} (default 1);
 * per-model parameters are refused for it. {@code opcm} takes global {@code alpha} (in [0, 1], default 0.5)
 * and {@code lambda}; the models are merged in their listed order and their weights are ignored.
 * {@code gradfix} takes the top-level keys {@code gradients} (required: the gradient file of
 * {@link GradientSigns}, computed at {@code base_model}, the target) and {@code source_model} (the
 * model the experts were fine-tuned from; default {@code base_model}); {@code weight} defaults to 1.
 *
 * @param base null for a linear merge without a base
 */
public record MergeConfig(MergeMethod method, Path base, List<Expert> experts, boolean normalize, boolean rescale,
        double lambda, DType dtype, long seed, double pcbDensity, double pcbWeight, double opcmAlpha, Path sourceModel, Path gradients) {

    /** One model to merge with its parameters. */
    public record Expert(Path model, double weight, double density, double gamma) {}

    private static final Set<String> TOP = Set.of("merge_method", "base_model", "models", "parameters", "dtype", "seed", "source_model", "gradients");
    private static final Set<String> MODEL = Set.of("model", "parameters");
    private static final Set<String> MODEL_PARAMS = Set.of("weight", "density", "gamma");
    private static final Set<String> GLOBAL_PARAMS = Set.of("normalize", "rescale", "lambda", "weight", "density", "gamma", "alpha");

    public static MergeConfig read(Path file) {
        JsonNode root = YamlConfig.read(file);
        Path dir = file.toAbsolutePath().getParent();
        return of(root, file.toString(), dir);
    }

    /** Binds a parsed configuration; {@code dir} resolves relative model paths. */
    public static MergeConfig of(JsonNode root, String source, Path dir) {
        if (root == null || !root.isObject()) throw new ConfigException(source + ": expected a mapping with merge_method and models");
        Schema.checkKeys(root, "", TOP, source);
        MergeMethod method = MergeMethod.parse(text(root, "merge_method", source));
        JsonNode global = root.path("parameters");
        if (!global.isMissingNode()) {
            if (!global.isObject()) throw new ConfigException(source + ": 'parameters' must be a mapping");
            Schema.checkKeys(global, "parameters", GLOBAL_PARAMS, source);
        }
        Path base = root.has("base_model") ? dir.resolve(text(root, "base_model", source)) : null;
        if (base == null && method.needsBase()) {
            throw new IllegalArgumentException(source + ": merge_method " + method.configName() + " needs base_model (the model the task vectors are taken from)");
        }
        JsonNode models = root.path("models");
        if (!models.isArray() || models.isEmpty()) throw new ConfigException(source + ": 'models' must be a non-empty list of {model: PATH, parameters: {...}}");
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            String at = "models[" + i + "]";
            JsonNode m = models.get(i);
            if (!m.isObject()) throw new ConfigException(source + ": " + at + " must be a mapping with 'model'");
            Schema.checkKeys(m, at, MODEL, source);
            Path model = dir.resolve(text(m, "model", source + ": " + at));
            JsonNode p = m.path("parameters");
            if (!p.isMissingNode()) Schema.checkKeys(p, at + ".parameters", MODEL_PARAMS, source);
            Double weight = number(p, global, "weight", at, source);
            if (method == MergeMethod.PCB && !p.isMissingNode()) {
                throw new ConfigException(source + ": " + at + ".parameters: pcb takes no per-model parameters; set density and weight under the global parameters");
            }
            // ACE's closed form and OPCM have no per-model weight; GradFix's scaling defaults to 1
            if (weight == null && (method == MergeMethod.ACE || method == MergeMethod.PCB || method == MergeMethod.OPCM || method == MergeMethod.GRADFIX)) weight = 1.0;
            if (weight == null) throw new ConfigException(source + ": " + at + ".parameters.weight is required (a number)");
            Double density = number(p, global, "density", at, source);
            double d = density == null ? 1.0 : density;
            if (!(d > 0 && d <= 1)) throw new ConfigException(source + ": " + at + ".parameters.density = " + d + " is out of range; allowed: a number in (0, 1]");
            Double gamma = number(p, global, "gamma", at, source);
            double g = gamma == null ? 0.01 : gamma;
            if (!(g >= 0 && g < 1)) throw new ConfigException(source + ": " + at + ".parameters.gamma = " + g + " is out of range; allowed: a number in [0, 1)");
            experts.add(new Expert(model, weight, d, g));
        }
        boolean normalize = bool(global, "normalize", method.defaultNormalize, source);
        boolean rescale = bool(global, "rescale", method.defaultRescale, source);
        Double lambda = global.has("lambda") ? finite(global.get("lambda"), "parameters.lambda", source) : null;
        DType dtype = root.has("dtype") ? dtype(text(root, "dtype", source), source) : null;
        long seed = 0;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) throw new ConfigException(source + ": seed = " + s + " has the wrong type; allowed: an integer");
            seed = s.longValue();
        }
        double pcbDensity = Double.NaN, pcbWeight = 1.0;
        if (method == MergeMethod.PCB) {
            if (!global.has("density")) throw new ConfigException(source + ": pcb needs parameters.density (a number in (0, 1])");
            pcbDensity = experts.get(0).density();
            if (global.has("weight")) pcbWeight = finite(global.get("weight"), "parameters.weight", source);
        }
        double alpha = Opcm.DEFAULT_ALPHA;
        if (global.has("alpha")) {
            if (method != MergeMethod.OPCM) throw new ConfigException(source + ": parameters.alpha is opcm's; merge_method " + method.configName() + " takes none");
            alpha = finite(global.get("alpha"), "parameters.alpha", source);
            if (!(alpha >= 0 && alpha <= 1)) throw new ConfigException(source + ": parameters.alpha = " + alpha + " is out of range; allowed: a number in [0, 1]");
        }
        Path sourceModel = null, gradients = null;
        for (String key : List.of("source_model", "gradients")) {
            if (root.has(key) && method != MergeMethod.GRADFIX) {
                throw new ConfigException(source + ": '" + key + "' is gradfix's; merge_method " + method.configName() + " takes none");
            }
        }
        if (method == MergeMethod.GRADFIX) {
            if (!root.has("gradients")) {
                throw new ConfigException(source + ": gradfix needs 'gradients' (a safetensors file of the loss gradients at base_model; see bin/descent merge-gradients)");
            }
            gradients = dir.resolve(text(root, "gradients", source));
            sourceModel = root.has("source_model") ? dir.resolve(text(root, "source_model", source)) : base;
        }
        return new MergeConfig(method, base, List.copyOf(experts), normalize, rescale, lambda == null ? 1.0 : lambda, dtype, seed,
                pcbDensity, pcbWeight, alpha, sourceModel, gradients);
    }

    /** mergekit's dtype names (and the safetensors ones) for the three output dtypes. */
    static DType dtype(String name, String source) {
        return switch (name) {
            case "float32", "F32" -> DType.F32;
            case "float16", "F16" -> DType.F16;
            case "bfloat16", "BF16" -> DType.BF16;
            default -> throw new ConfigException(source + ": dtype = " + name + " is not valid; allowed: float32, float16, bfloat16");
        };
    }

    /**
     * The safetensors file of a model reference: the file itself, or a run folder's
     * {@code checkpoint/model.safetensors}, or a folder's {@code model.safetensors} (a merge output).
     */
    public static Path weightsOf(Path model) {
        if (Files.isDirectory(model)) {
            Path ckpt = model.resolve("checkpoint/model.safetensors");
            if (Files.isRegularFile(ckpt)) return ckpt;
            Path direct = model.resolve("model.safetensors");
            if (Files.isRegularFile(direct)) return direct;
            throw new IllegalArgumentException("model folder " + model + " has neither checkpoint/model.safetensors nor model.safetensors");
        }
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model not found: " + model + " (a run folder or a .safetensors file)");
        return model;
    }

    private static String text(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new ConfigException(source + ": '" + key + "' is required (a string)");
        return v.asText();
    }

    private static Double number(JsonNode own, JsonNode global, String key, String at, String source) {
        if (own.has(key)) return finite(own.get(key), at + ".parameters." + key, source);
        if (global.has(key)) return finite(global.get(key), "parameters." + key, source);
        return null;
    }

    private static double finite(JsonNode v, String path, String source) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new ConfigException(source + ": " + path + " = " + v + " has the wrong type; allowed: a finite number");
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode global, String key, boolean dflt, String source) {
        if (!global.has(key)) return dflt;
        JsonNode v = global.get(key);
        if (!v.isBoolean()) throw new ConfigException(source + ": parameters." + key + " = " + v + " has the wrong type; allowed: true or false");
        return v.booleanValue();
    }
}
