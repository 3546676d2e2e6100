package dev.descent.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training configuration in nanoGPT's spirit: a flat map of keys, read from YAML, overridden by
 * {@code key=value} pairs, and checked completely before any work starts. Every key has a type, a
 * range and a default (nanoGPT's {@code train_shakespeare_char.py} values where it has one).
 */
public final class TrainConfig {
    /** The definition of one key. */
    public record Key(String name, Class<?> type, Object defaultValue, double min, double max, List<String> choices,
                      String help) {
        String allowed() {
            if (choices != null) return "one of " + choices;
            if (type == Boolean.class) return "true or false";
            if (type == String.class) return "a string";
            if (type == Map.class) return "a mapping of hyperparameter names to values";
            String kind = type == Integer.class ? "an integer" : "a number";
            if (max == Double.POSITIVE_INFINITY) return kind + " >= " + fmt(min);
            return kind + " in [" + fmt(min) + ", " + fmt(max) + (type == Double.class && max == 1 ? ")" : "]");
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    private static final double INF = Double.POSITIVE_INFINITY;
    /** All keys, in the order they are printed. */
    public static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        def("dataset", String.class, "shakespeare_char", 0, 0, null,
                "training text: shakespeare_char (bundled) or the path of a UTF-8 text file");
        def("train_start", Double.class, 0.0, 0, 1, null,
                "start of the slice of the training split that is trained on and estimated as train loss (fraction)");
        def("train_end", Double.class, 1.0, 0, INF, null,
                "end of that slice (fraction in (train_start, 1]); the validation split is never touched");
        def("init_from", String.class, "scratch", 0, 0, null,
                "scratch (random weights) or a run folder whose checkpoint weights start the run (optimizer and step start fresh)");
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
        KEYS.put(name, new Key(name, type, dflt, min, max, choices, help));
    }

    private final Map<String, Object> values;

    private TrainConfig(Map<String, Object> values) {
        this.values = values;
    }

    public static TrainConfig defaults() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Key k : KEYS.values()) v.put(k.name(), k.defaultValue());
        return new TrainConfig(v);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    /** Reads a YAML file of key: value pairs over the defaults. */
    public static TrainConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return defaults().merge(text, file.toString());
    }

    /** Applies the YAML mapping in {@code text} over this configuration. */
    public TrainConfig merge(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read " + source + ": " + e.getMessage());
        }
        TrainConfig out = new TrainConfig(new LinkedHashMap<>(values));
        if (root == null || root.isMissingNode() || root.isNull()) return out;
        if (!root.isObject()) throw new ConfigException(source + " must be a mapping of key: value pairs");
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals(ARGS)) {
                if (!e.getValue().isObject()) throw new ConfigException("config key '" + ARGS + "' must be a mapping of name: value");
                Map<String, String> args = new LinkedHashMap<>(out.optimizerArgs());
                var f = e.getValue().fields();
                while (f.hasNext()) {
                    var a = f.next();
                    args.put(a.getKey(), scalarText(a.getKey(), a.getValue()));
                }
                out.values.put(ARGS, args);
            } else {
                out.values.put(e.getKey(), convert(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /** Applies {@code key=value} overrides (values in YAML scalar syntax). */
    public TrainConfig with(List<String> overrides) {
        TrainConfig out = new TrainConfig(new LinkedHashMap<>(values));
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new ConfigException("override '" + o + "' must have the form key=value");
            String key = o.substring(0, eq).trim();
            String raw = o.substring(eq + 1).trim();
            if (key.startsWith(ARGS + ".") && key.length() > ARGS.length() + 1) {
                Map<String, String> args = new LinkedHashMap<>(out.optimizerArgs());
                args.put(key.substring(ARGS.length() + 1), raw);
                out.values.put(ARGS, args);
                continue;
            }
            JsonNode node;
            try {
                node = raw.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(raw);
            } catch (IOException e) {
                node = YAML.getNodeFactory().textNode(raw);
            }
            out.values.put(key, convert(key, node));
        }
        return out;
    }

    private static final String ARGS = "optimizer_args";

    private static String scalarText(String key, JsonNode node) {
        if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode n : node) b.append(b.length() == 0 ? "" : ",").append(scalarText(key, n));
            return b.toString();
        }
        if (!node.isValueNode() || node.isNull()) throw new ConfigException("optimizer_args." + key + " must be a number, a boolean, a word or a list");
        return node.asText();
    }

    /** The optimizer's hyperparameters as given (name → text), validated by the optimizer itself. */
    @SuppressWarnings("unchecked")
    public Map<String, String> optimizerArgs() {
        return (Map<String, String>) values.getOrDefault(ARGS, Map.of());
    }

    private static Object convert(String key, JsonNode node) {
        Key k = KEYS.get(key);
        if (k == null) {
            throw new ConfigException("unknown config key '" + key + "'; valid keys: " + String.join(", ", KEYS.keySet()));
        }
        Object v;
        if (k.type() == Map.class) {
            throw new ConfigException("config key '" + ARGS + "' takes a mapping in YAML, or --set " + ARGS + ".NAME=value");
        } else if (k.type() == Integer.class) {
            if (!node.isIntegralNumber() || !node.canConvertToInt()) throw bad(k, node);
            v = node.intValue();
            check(k, node.intValue());
        } else if (k.type() == Double.class) {
            if (!node.isNumber()) throw bad(k, node);
            double d = node.doubleValue();
            if (!Double.isFinite(d)) throw bad(k, node);
            check(k, d);
            v = d;
        } else if (k.type() == Boolean.class) {
            if (!node.isBoolean()) throw bad(k, node);
            v = node.booleanValue();
        } else {
            if (!node.isValueNode() || node.isNull()) throw bad(k, node);
            v = node.asText();
            if (k.choices() != null && !k.choices().contains(v)) throw bad(k, node);
            if (k.choices() == null && ((String) v).isBlank()) throw bad(k, node);
        }
        return v;
    }

    private static void check(Key k, double v) {
        boolean upperOpen = k.type() == Double.class && k.max() == 1;
        if (v < k.min() || (upperOpen ? v >= k.max() : v > k.max())) {
            throw new ConfigException("config key '" + k.name() + "' = " + v + " is out of range; allowed: " + k.allowed());
        }
    }

    private static ConfigException bad(Key k, JsonNode node) {
        return new ConfigException("config key '" + k.name() + "' = " + node + " has the wrong type; allowed: " + k.allowed());
    }

    /** Checks relations between keys (after all overrides). */
    public TrainConfig validate() {
        if (getInt("n_embd") % getInt("n_head") != 0) {
            throw new ConfigException("config key 'n_embd' = " + getInt("n_embd") + " must be divisible by n_head = " + getInt("n_head"));
        }
        if (!getString("optimizer").equals("adamw") && !dev.descent.optim.OptimizerRegistry.defaults().contains(getString("optimizer"))) {
            throw new ConfigException("config key 'optimizer' = " + getString("optimizer") + " is not a registered optimizer; allowed: one of "
                    + dev.descent.optim.OptimizerRegistry.defaults().all().stream().map(dev.descent.optim.OptimizerInfo::name).toList());
        }
        double start = getDouble("train_start");
        double end = getDouble("train_end");
        if (end <= start || end > 1) {
            throw new ConfigException("config key 'train_end' = " + end + " is out of range; allowed: a number in (train_start = "
                    + start + ", 1]");
        }
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
    public String toYaml() {
        ObjectNode node = YAML.createObjectNode();
        for (var e : values.entrySet()) node.set(e.getKey(), YAML.valueToTree(e.getValue()));
        try {
            return YAML.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, Object> asMap() { return java.util.Collections.unmodifiableMap(values); }
}
