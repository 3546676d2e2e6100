package dev.descent.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of a LoRA adapter, with the names and meanings of HF PEFT's {@code LoraConfig}
 * ({@code peft/tuners/lora/config.py}; semantics read in huggingface/peft's {@code tuners/lora/layer.py} at
 * commit {@code b28a09c44695163806dc2d560ec2faa1ce2949c5} and {@code tuners/tuners_utils.py} at commit
 * {@code 831fd03e04033a49a2523b4012970e1499b7b5c6}):
 * <ul>
 *   <li>{@code r} (default 8): the rank; the adapter adds {@code ΔW = s·B A} with A {@code [r, in]}, B {@code [out, r]};</li>
 *   <li>{@code lora_alpha} (default 8): the scale {@code s = lora_alpha / r}, or {@code lora_alpha / √r}
 *       with {@code use_rslora} (rank-stabilised LoRA);</li>
 *   <li>{@code lora_dropout} (default 0): dropout on the adapter's input only, {@code y = base(x) + s·B A dropout(x)};</li>
 *   <li>{@code target_modules}: the module names to adapt ({@link Targets}: a list matched by name or
 *       dotted suffix, or one regular expression matched against the whole name, or {@code all-linear});
 *       {@code exclude_modules} the same form, and wins;</li>
 *   <li>{@code bias} (none, all, lora_only): which biases train as well;</li>
 *   <li>{@code modules_to_save}: modules trained in full (their names matched as a dotted suffix);</li>
 *   <li>{@code init_lora_weights}: {@code true} (A Kaiming-uniform, B zero), {@code gaussian}
 *       (A ~ N(0, (1/r)²), B zero), {@code pissa} (from the base weight's SVD), {@code false} (A and B
 *       as given: zero here, to be loaded);</li>
 *   <li>{@code rank_pattern}, {@code alpha_pattern}: per-module r and lora_alpha, the first pattern
 *       {@code p} whose regex {@code (.*\.)?(p)$} matches the module name from its start (PEFT's
 *       {@code get_pattern_key}) wins.</li>
 * </ul>
 * {@code fan_in_fan_out} is always false (weights are {@code [out, in]} as in {@code torch.nn.Linear}).
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, boolean useRslora, Bias bias, Targets targetModules,
                         Targets excludeModules, List<String> modulesToSave, Init initLoraWeights,
                         Map<String, Integer> rankPattern, Map<String, Double> alphaPattern, String baseModelNameOrPath) {

    /** PEFT's {@code bias} option. */
    public enum Bias {
        NONE, ALL, LORA_ONLY;

        public String peftName() { return name().toLowerCase(Locale.ROOT); }

        static Bias parse(String s, String path) {
            for (Bias b : values()) if (b.peftName().equals(s)) return b;
            throw new PeftException("'" + path + "' = " + s + " is not allowed; allowed: one of [none, all, lora_only]");
        }
    }

    /** PEFT's {@code init_lora_weights}: {@code true}, {@code false}, {@code "gaussian"}, {@code "pissa"}. */
    public enum Init {
        DEFAULT, NONE, GAUSSIAN, PISSA;

        static Init parse(String s, String path) {
            return switch (s) {
                case "true", "True" -> DEFAULT;
                case "false", "False" -> NONE;
                case "gaussian" -> GAUSSIAN;
                case "pissa" -> PISSA;
                default -> throw new PeftException("'" + path + "' = " + s + " is not allowed; allowed: one of [true, false, gaussian, pissa]");
            };
        }

        JsonNode json(ObjectMapper m) {
            return switch (this) {
                case DEFAULT -> m.getNodeFactory().booleanNode(true);
                case NONE -> m.getNodeFactory().booleanNode(false);
                case GAUSSIAN -> m.getNodeFactory().textNode("gaussian");
                case PISSA -> m.getNodeFactory().textNode("pissa");
            };
        }
    }

    /**
     * Which modules an option names, as PEFT's {@code check_target_module_exists} reads it: a list of
     * names ({@code regex == null}), each matching a module whose dotted name equals it or ends with
     * {@code "." + name}; or one regular expression that must match the whole name ({@code re.fullmatch});
     * or PEFT's {@code all-linear}: every linear layer except an output head named {@code lm_head}.
     */
    public record Targets(List<String> names, String regex) {
        public static final String ALL_LINEAR = "all-linear";

        public Targets {
            names = names == null ? null : List.copyOf(names);
            if ((names == null) == (regex == null)) throw new IllegalArgumentException("give names or a regex");
        }

        public static Targets names(List<String> names) { return new Targets(names, null); }

        public static Targets regex(String regex) { return new Targets(null, regex); }

        /** PEFT's shorthand, compared ignoring case as PEFT does. */
        public boolean allLinear() { return regex != null && regex.equalsIgnoreCase(ALL_LINEAR); }

        /** True when this names the module {@code key} (for {@code all-linear}: always; the caller checks the kind). */
        public boolean matches(String key) {
            if (allLinear()) return !(key.equals("lm_head") || key.endsWith(".lm_head"));
            if (regex != null) return java.util.regex.Pattern.compile(regex).matcher(key).matches();
            for (String n : names) if (key.equals(n) || key.endsWith("." + n)) return true;
            return false;
        }

        JsonNode json(ObjectMapper m) {
            if (regex != null) return m.getNodeFactory().textNode(regex);
            ArrayNode a = m.createArrayNode();
            names.forEach(a::add);
            return a;
        }

        @Override
        public String toString() { return regex != null ? regex : names.toString(); }
    }

    public LoraConfig {
        if (r <= 0) throw new PeftException("'r' = " + r + " must be a positive integer");
        if (!(loraDropout >= 0 && loraDropout < 1)) throw new PeftException("'lora_dropout' = " + loraDropout + " is out of range; allowed: a number in [0, 1)");
        if (!Double.isFinite(loraAlpha)) throw new PeftException("'lora_alpha' = " + loraAlpha + " must be a finite number");
        if (targetModules == null) throw new PeftException("'target_modules' is required (a list of module names, a regex, or all-linear)");
        if (targetModules.regex() != null) checkRegex(targetModules.regex(), "target_modules");
        if (excludeModules != null && excludeModules.regex() != null) checkRegex(excludeModules.regex(), "exclude_modules");
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        rankPattern = rankPattern == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = alphaPattern == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        for (var e : rankPattern.entrySet()) {
            checkRegex(e.getKey(), "rank_pattern");
            if (e.getValue() <= 0) throw new PeftException("'rank_pattern." + e.getKey() + "' = " + e.getValue() + " must be a positive integer");
        }
        for (var e : alphaPattern.entrySet()) checkRegex(e.getKey(), "alpha_pattern");
    }

    /** PEFT's defaults ({@code r = 8}, {@code lora_alpha = 8}, no dropout, no biases, default initialisation) for {@code targets}. */
    public static LoraConfig of(Targets targets) {
        return new LoraConfig(8, 8, 0, false, Bias.NONE, targets, null, List.of(), Init.DEFAULT, Map.of(), Map.of(), null);
    }

    public LoraConfig withRank(int rank, double alpha) {
        return new LoraConfig(rank, alpha, loraDropout, useRslora, bias, targetModules, excludeModules, modulesToSave,
                initLoraWeights, rankPattern, alphaPattern, baseModelNameOrPath);
    }

    public LoraConfig withInit(Init init) {
        return new LoraConfig(r, loraAlpha, loraDropout, useRslora, bias, targetModules, excludeModules, modulesToSave,
                init, rankPattern, alphaPattern, baseModelNameOrPath);
    }

    public LoraConfig withBase(String base) {
        return new LoraConfig(r, loraAlpha, loraDropout, useRslora, bias, targetModules, excludeModules, modulesToSave,
                initLoraWeights, rankPattern, alphaPattern, base);
    }

    private static void checkRegex(String regex, String key) {
        try {
            java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new PeftException("'" + key + "' = " + regex + " is not a valid regular expression: " + e.getDescription());
        }
    }

    /** The rank of the module named {@code key}: {@code rank_pattern}'s first matching entry, else {@code r}. */
    public int rankOf(String key) {
        String p = patternKey(rankPattern.keySet(), key);
        return p == null ? r : rankPattern.get(p);
    }

    /** The lora_alpha of the module named {@code key}: {@code alpha_pattern}'s first matching entry, else {@code lora_alpha}. */
    public double alphaOf(String key) {
        String p = patternKey(alphaPattern.keySet(), key);
        return p == null ? loraAlpha : alphaPattern.get(p);
    }

    /** PEFT's {@code get_pattern_key}: the first pattern p for which {@code re.match(rf"(.*\.)?({p})$", key)} holds, else null. */
    static String patternKey(Set<String> patterns, String key) {
        for (String p : patterns) {
            if (java.util.regex.Pattern.compile("(.*\\.)?(" + p + ")$").matcher(key).lookingAt()) return p;
        }
        return null;
    }

    /** The scale s of an adapter of rank {@code rank} and alpha {@code alpha}: α/r, or α/√r with {@code use_rslora}. */
    public double scaling(int rank, double alpha) {
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    // ------------------------------------------------------------------ adapter_config.json

    /** The keys this project reads from a training configuration's {@code peft:} section. */
    public static final List<String> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of("r", "lora_alpha", "lora_dropout", "use_rslora", "bias",
            "target_modules", "target_modules_regex", "exclude_modules", "exclude_modules_regex", "modules_to_save", "init_lora_weights",
            "rank_pattern.<pattern>", "alpha_pattern.<pattern>"), PeftVariant.KEYS.stream()).toList();

    /**
     * The configuration of a training config's {@code peft:} section, given as name → text (lists
     * comma-joined, nested mappings as dotted names: {@code rank_pattern.c_attn = 4}); {@code path} is
     * the section's name in messages. A YAML config cannot tell a one-element list from a string, so a
     * list of names is {@code target_modules} and a regular expression {@code target_modules_regex} (in
     * {@code adapter_config.json} both are PEFT's {@code target_modules}: a list or a string).
     * Unknown keys are refused with their path.
     */
    public static LoraConfig fromSection(Map<String, String> m, String path) {
        int r = 8;
        double alpha = 8;
        double dropout = 0;
        boolean rslora = false;
        Bias bias = Bias.NONE;
        Targets targets = null;
        Targets exclude = null;
        List<String> save = List.of();
        Init init = Init.DEFAULT;
        Map<String, Integer> ranks = new LinkedHashMap<>();
        Map<String, Double> alphas = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            String k = e.getKey();
            String v = e.getValue().trim();
            String at = path + "." + k;
            if (PeftVariant.KEYS.contains(k)) continue; // the variant's own keys (PeftVariant.fromSection)
            switch (k) {
                case "r" -> r = intValue(v, at);
                case "lora_alpha" -> alpha = number(v, at);
                case "lora_dropout" -> dropout = number(v, at);
                case "use_rslora" -> rslora = bool(v, at);
                case "bias" -> bias = Bias.parse(v, at);
                case "target_modules" -> targets = v.equalsIgnoreCase(Targets.ALL_LINEAR) ? Targets.regex(v) : Targets.names(list(v, at));
                case "target_modules_regex" -> targets = Targets.regex(v);
                case "exclude_modules" -> exclude = Targets.names(list(v, at));
                case "exclude_modules_regex" -> exclude = Targets.regex(v);
                case "modules_to_save" -> save = list(v, at);
                case "init_lora_weights" -> init = Init.parse(v, at);
                default -> {
                    if (k.startsWith("rank_pattern.") && k.length() > 13) ranks.put(k.substring(13), intValue(v, at));
                    else if (k.startsWith("alpha_pattern.") && k.length() > 14) alphas.put(k.substring(14), number(v, at));
                    else throw new PeftException("'" + at + "' is not a known key; valid keys there: " + String.join(", ", KEYS));
                }
            }
        }
        if (targets == null) throw new PeftException("'" + path + ".target_modules' is required (module names such as c_attn, or all-linear)");
        try {
            return new LoraConfig(r, alpha, dropout, rslora, bias, targets, exclude, save, init, ranks, alphas, null);
        } catch (PeftException ex) {
            throw new PeftException("'" + path + "." + ex.getMessage().substring(1));
        }
    }

    private static int intValue(String v, String at) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new PeftException("'" + at + "' = " + v + " has the wrong type; allowed: an integer");
        }
    }

    private static double number(String v, String at) {
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new PeftException("'" + at + "' = " + v + " has the wrong type; allowed: a number");
        }
    }

    private static boolean bool(String v, String at) {
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new PeftException("'" + at + "' = " + v + " has the wrong type; allowed: true or false");
    }

    private static List<String> list(String v, String at) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (s.isBlank()) throw new PeftException("'" + at + "' = " + v + " has an empty name");
            out.add(s.trim());
        }
        return out;
    }

    /**
     * This configuration as PEFT's {@code adapter_config.json} (the fields {@code LoraConfig.to_dict}
     * writes that matter here; PEFT fills the others with its defaults when it reads the file).
     */
    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("peft_type", "LORA");
        o.putNull("task_type");
        if (baseModelNameOrPath == null) o.putNull("base_model_name_or_path");
        else o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("inference_mode", true);
        o.put("r", r);
        putNumber(o, "lora_alpha", loraAlpha);
        o.put("lora_dropout", loraDropout);
        o.put("use_rslora", useRslora);
        o.put("bias", bias.peftName());
        o.set("target_modules", targetModules.json(m));
        if (excludeModules == null) o.putNull("exclude_modules");
        else o.set("exclude_modules", excludeModules.json(m));
        if (modulesToSave.isEmpty()) o.putNull("modules_to_save");
        else o.set("modules_to_save", Targets.names(modulesToSave).json(m));
        o.set("init_lora_weights", initLoraWeights.json(m));
        ObjectNode rp = o.putObject("rank_pattern");
        rankPattern.forEach(rp::put);
        ObjectNode ap = o.putObject("alpha_pattern");
        alphaPattern.forEach((k, v) -> putNumber(ap, k, v));
        o.put("fan_in_fan_out", false);
        o.putNull("layers_to_transform");
        o.putNull("layers_pattern");
        o.put("use_dora", false);
        o.putNull("revision");
        return o;
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1 << 30) o.put(k, (int) v);
        else o.put(k, v);
    }

    /**
     * Reads PEFT's {@code adapter_config.json}. Fields this project does not implement are refused
     * when set to anything but PEFT's default (another {@code peft_type}, {@code use_dora},
     * {@code fan_in_fan_out}, {@code layers_to_transform}); fields without effect here are ignored.
     */
    public static LoraConfig fromJson(JsonNode o, String source) {
        if (o == null || !o.isObject()) throw new PeftException(source + " is not a JSON object");
        String type = o.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) throw new PeftException(source + ": peft_type " + type + " is not supported; allowed: LORA");
        if (o.path("use_dora").asBoolean(false)) throw new PeftException(source + ": use_dora = true is not supported");
        if (o.path("fan_in_fan_out").asBoolean(false)) throw new PeftException(source + ": fan_in_fan_out = true is not supported (weights are [out, in])");
        if (!o.path("layers_to_transform").isMissingNode() && !o.path("layers_to_transform").isNull()) {
            throw new PeftException(source + ": layers_to_transform is not supported");
        }
        Targets targets = targets(o.get("target_modules"), source + ": target_modules");
        if (targets == null) throw new PeftException(source + ": target_modules is missing");
        Targets exclude = targets(o.get("exclude_modules"), source + ": exclude_modules");
        List<String> save = new ArrayList<>();
        JsonNode s = o.get("modules_to_save");
        if (s != null && s.isArray()) s.forEach(n -> save.add(n.asText()));
        JsonNode init = o.get("init_lora_weights");
        Init in = init == null ? Init.DEFAULT : Init.parse(init.asText(), source + ": init_lora_weights");
        Map<String, Integer> ranks = new LinkedHashMap<>();
        o.path("rank_pattern").fields().forEachRemaining(e -> ranks.put(e.getKey(), e.getValue().asInt()));
        Map<String, Double> alphas = new LinkedHashMap<>();
        o.path("alpha_pattern").fields().forEachRemaining(e -> alphas.put(e.getKey(), e.getValue().asDouble()));
        JsonNode base = o.get("base_model_name_or_path");
        try {
            return new LoraConfig(o.path("r").asInt(8), o.path("lora_alpha").asDouble(8), o.path("lora_dropout").asDouble(0),
                    o.path("use_rslora").asBoolean(false), Bias.parse(o.path("bias").asText("none"), "bias"), targets, exclude, save, in,
                    ranks, alphas, base == null || base.isNull() ? null : base.asText());
        } catch (PeftException e) {
            throw new PeftException(source + ": " + e.getMessage());
        }
    }

    private static Targets targets(JsonNode n, String what) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return Targets.regex(n.asText());
        if (n.isArray()) {
            List<String> names = new ArrayList<>();
            n.forEach(x -> names.add(x.asText()));
            return Targets.names(names);
        }
        throw new PeftException(what + " must be a list of names or a string");
    }
}
