package dev.descent.train;

import dev.descent.config.Field;
import dev.descent.config.Schema;
import dev.descent.config.YamlConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training configuration in nanoGPT's spirit: a flat map of keys, read from YAML, overridden by
 * {@code key=value} pairs, and checked completely before any work starts. Every key has a type, a
 * range and a default (nanoGPT's {@code train_shakespeare_char.py} values where it has one). Reading
 * and binding go through {@link YamlConfig} and {@link Schema}, the same binder the benchmark suites use
 * (size limit, strict UTF-8, duplicate keys, aliases and extra documents refused).
 */
public final class TrainConfig {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Schema SCHEMA = new Schema();
    /** All keys, in the order they are printed. */
    public static final Map<String, Field> KEYS = SCHEMA.fields();

    static {
        def("dataset", String.class, "shakespeare_char", 0, 0, null,
                "training text: shakespeare_char (bundled) or the path of a UTF-8 text file");
        def("train_start", Double.class, 0.0, 0, 1, null,
                "start of the slice of the training split that is trained on and estimated as train loss (fraction)");
        def("train_end", Double.class, 1.0, 0, INF, null,
                "end of that slice (fraction in (train_start, 1]); the validation split is never touched");
        def("init_from", String.class, "scratch", 0, 0, null,
                "scratch (random weights), a run folder whose checkpoint weights start the run (optimizer and step start fresh), "
                        + "or a .safetensors file with nanoGPT's names (the model's sizes read from its shapes; n_head from this config)");
        def("peft", Map.class, Map.of(), 0, 0, null,
                "LoRA fine-tuning with PEFT's options (peft.r, peft.lora_alpha, peft.target_modules, …; see docs/peft.md); empty: full training");
        def("quantize", Map.class, Map.of(), 0, 0, null,
                "frozen packed base for QLoRA (quantize.format=nf4|int8, quantize.double_quant, quantize.target_modules, quantize.skip; "
                        + "see docs/quantization.md); needs init_from and peft; empty: float32 base");
        def("n_layer", Integer.class, 6, 1, 256, null, "transformer blocks");
        def("n_head", Integer.class, 6, 1, 256, null, "attention heads");
        def("n_embd", Integer.class, 384, 1, 65536, null, "embedding width");
        def("block_size", Integer.class, 256, 1, 65536, null, "context length");
        def("batch_size", Integer.class, 64, 1, 1 << 20, null, "sequences per step");
        def("bias", Boolean.class, false, 0, 0, null, "biases in Linear and LayerNorm");
        def("dropout", Double.class, 0.2, 0, 1, null, "dropout probability");
        def("optimizer", String.class, "adamw", 0, 0, null, "optimizer name from `descent optimizers`");
        def("optimizer_args", Map.class, Map.of(), 0, 0, null,
                "hyperparameters of the optimizer by its documented names (optimizer_args.momentum=0.9, …)");
        def("max_iters", Integer.class, 5000, 0, Integer.MAX_VALUE, null, "training steps");
        def("learning_rate", Double.class, 1e-3, 0, INF, null, "peak learning rate");
        def("min_lr", Double.class, 1e-4, 0, INF, null, "learning rate at the end of the cosine decay");
        def("warmup_iters", Integer.class, 100, 0, Integer.MAX_VALUE, null, "linear warm-up steps");
        def("lr_decay_iters", Integer.class, 5000, 1, Integer.MAX_VALUE, null, "step where the cosine decay ends");
        def("decay_lr", Boolean.class, true, 0, 0, null, "use warm-up + cosine decay (else constant)");
        def("weight_decay", Double.class, 0.1, 0, INF, null, "decoupled weight decay on matrices");
        def("beta1", Double.class, 0.9, 0, 1, null, "AdamW beta1");
        def("beta2", Double.class, 0.99, 0, 1, null, "AdamW beta2");
        def("grad_clip", Double.class, 1.0, 0, INF, null, "global gradient-norm clip (0 = off)");
        def("eval_interval", Integer.class, 250, 1, Integer.MAX_VALUE, null, "steps between evaluations");
        def("eval_iters", Integer.class, 200, 1, Integer.MAX_VALUE, null, "batches per evaluation");
        def("final_eval_iters", Integer.class, 0, 0, Integer.MAX_VALUE, null,
                "batches for the final evaluation (0: eval_iters)");
        def("log_interval", Integer.class, 10, 1, Integer.MAX_VALUE, null, "steps between metric lines");
        def("seed", Integer.class, 1337, 0, Integer.MAX_VALUE, null, "seed of every random stream");
        def("threads", Integer.class, Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 1024, null,
                "kernel threads");
        def("out_dir", String.class, "runs/shakespeare-char", 0, 0, null, "run folder");
        def("sample_tokens", Integer.class, 300, 0, 1 << 20, null, "tokens sampled into samples.txt at the end");
    }

    private static void def(String name, Class<?> type, Object dflt, double min, double max, List<String> choices, String help) {
        SCHEMA.add(new Field(name, type, dflt, min, max, choices, help));
    }

    private final Map<String, Object> values;

    private TrainConfig(Map<String, Object> values) {
        this.values = values;
    }

    public static TrainConfig defaults() {
        return new TrainConfig(SCHEMA.defaults());
    }

    /** Reads a YAML file of key: value pairs over the defaults. */
    public static TrainConfig load(Path file) {
        return defaults().mergeFile(file);
    }

    /** Applies the YAML file {@code file} over this configuration. */
    public TrainConfig mergeFile(Path file) {
        return bindWith(out -> SCHEMA.bind(YamlConfig.read(file), file.toString(), out));
    }

    /** Applies the YAML mapping in {@code text} over this configuration. */
    public TrainConfig merge(String text, String source) {
        return bindWith(out -> SCHEMA.bind(YamlConfig.parse(text, source), source, out));
    }

    /** Applies {@code key=value} overrides (values in YAML scalar syntax). */
    public TrainConfig with(List<String> overrides) {
        return bindWith(out -> SCHEMA.override(overrides, out));
    }

    /** A copy of this configuration changed by {@code change}; binder errors become this package's {@link ConfigException}. */
    private TrainConfig bindWith(java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> out = new LinkedHashMap<>(values);
        try {
            change.accept(out);
        } catch (ConfigException e) {
            throw e;
        } catch (dev.descent.config.ConfigException e) {
            throw new ConfigException(e.getMessage());
        }
        // A run folder given as /tmp/a/../b is /tmp/b: creating the literal path would first create /tmp/a.
        out.computeIfPresent("out_dir", (k, v) -> normalized((String) v));
        return new TrainConfig(out);
    }

    private static final String ARGS = "optimizer_args";

    private static String normalized(String path) {
        String n;
        try {
            n = Path.of(path).normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("config key 'out_dir' = " + path + " is not a valid path: " + e.getReason());
        }
        return n.isEmpty() ? "." : n;
    }

    /** The optimizer's hyperparameters as given (name → text), validated by the optimizer itself. */
    @SuppressWarnings("unchecked")
    public Map<String, String> optimizerArgs() {
        return (Map<String, String>) values.getOrDefault(ARGS, Map.of());
    }

    /** The {@code peft:} section as given (name → text; empty when the run trains every parameter). */
    @SuppressWarnings("unchecked")
    public Map<String, String> peftSection() {
        return (Map<String, String>) values.getOrDefault("peft", Map.of());
    }

    /** The LoRA configuration of the {@code peft:} section, or null when it is empty; a bad entry is a {@link ConfigException} naming its path. */
    public dev.descent.peft.LoraConfig lora() {
        if (peftSection().isEmpty()) return null;
        try {
            return dev.descent.peft.LoraConfig.fromSection(peftSection(), "peft");
        } catch (dev.descent.peft.PeftException e) {
            throw new ConfigException("config key " + e.getMessage());
        }
    }

    /** The LoRA variant of the {@code peft:} section ({@code peft.variant}; plain LoRA when absent or without peft). */
    public dev.descent.peft.PeftVariant peftVariant() {
        if (peftSection().isEmpty()) return dev.descent.peft.PeftVariant.LORA;
        try {
            return dev.descent.peft.PeftVariant.fromSection(peftSection(), "peft");
        } catch (dev.descent.peft.PeftException e) {
            throw new ConfigException("config key " + e.getMessage());
        }
    }

    /** The {@code quantize:} section as given (name → text; empty when the base stays float32). */
    @SuppressWarnings("unchecked")
    public Map<String, String> quantizeSection() {
        return (Map<String, String>) values.getOrDefault("quantize", Map.of());
    }

    /**
     * The quantization of the {@code quantize:} section, or null when it is empty; a bad entry is a
     * {@link ConfigException} naming its path. The section needs {@code peft} (the quantized layers are
     * frozen, so without adapters they could not change) and {@code init_from} (a trained base: quantizing
     * the random initial weights of a scratch run would only add noise to them).
     */
    public dev.descent.quant.QuantizeConfig quantization() {
        if (quantizeSection().isEmpty()) return null;
        dev.descent.quant.QuantizeConfig q;
        try {
            q = dev.descent.quant.QuantizeConfig.fromSection(quantizeSection(), "quantize");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key " + e.getMessage());
        }
        if (peftSection().isEmpty()) {
            throw new ConfigException("config key 'quantize' needs a 'peft' section: the quantized layers are frozen, "
                    + "so only LoRA adapters on them can train (QLoRA)");
        }
        if (getString("init_from").equals("scratch")) {
            throw new ConfigException("config key 'quantize' needs init_from (a run folder or a .safetensors base): "
                    + "quantizing the random initial weights of a scratch run is refused");
        }
        return q;
    }

    /** Checks relations between keys (after all overrides). */
    public TrainConfig validate() {
        if (getInt("n_embd") % getInt("n_head") != 0) {
            throw new ConfigException("config key 'n_embd' = " + getInt("n_embd") + " must be divisible by n_head = " + getInt("n_head"));
        }
        // ar1_zo is built by the trainer from the model's LoRA modules, not by the registry
        if (!getString("optimizer").equals("adamw") && !getString("optimizer").equals("ar1_zo")
                && !dev.descent.optim.OptimizerRegistry.defaults().contains(getString("optimizer"))) {
            throw new ConfigException("config key 'optimizer' = " + getString("optimizer") + " is not a registered optimizer; allowed: one of "
                    + dev.descent.optim.OptimizerRegistry.defaults().all().stream().map(dev.descent.optim.OptimizerInfo::name).toList());
        }
        double start = getDouble("train_start");
        double end = getDouble("train_end");
        if (end <= start || end > 1) {
            throw new ConfigException("config key 'train_end' = " + end + " is out of range; allowed: a number in (train_start = "
                    + start + ", 1]");
        }
        if (!peftSection().isEmpty()) {
            lora();
            if (peftVariant().kind() == dev.descent.peft.PeftVariant.Kind.LORA_SB && !quantizeSection().isEmpty()) {
                throw new ConfigException("config key 'peft.variant' = lora_sb needs the full gradient of float32 base weights; remove the quantize section");
            }
            dev.descent.peft.PeftVariant v = peftVariant();
            if (v.kind() == dev.descent.peft.PeftVariant.Kind.INCRELORA && v.increlora().targetRank() < lora().r()) {
                throw new ConfigException("config key 'peft.increlora_target_rank' = " + v.increlora().targetRank() + " gives a rank budget below the initial rank r = "
                        + lora().r() + "; allowed: an integer ≥ " + lora().r());
            }
        }
        quantization();
        if (getDouble("min_lr") > getDouble("learning_rate")) {
            throw new ConfigException("config key 'min_lr' = " + getDouble("min_lr") + " exceeds learning_rate = " + getDouble("learning_rate"));
        }
        return this;
    }

    public int getInt(String key) { return (Integer) get(key); }

    public double getDouble(String key) { return (Double) get(key); }

    public boolean getBool(String key) { return (Boolean) get(key); }

    public String getString(String key) { return (String) get(key); }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no config key '" + key + "'");
        return v;
    }

    /** The resolved configuration as YAML text (written into every run folder). */
    public String toYaml() { return YamlConfig.write(values); }

    public Map<String, Object> asMap() { return java.util.Collections.unmodifiableMap(values); }
}
