package dev.descent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flat set of typed {@link Field}s bound from a YAML mapping and from {@code key=value} overrides, the
 * way nanoGPT's configurator does: every key known in advance, every value checked on arrival. A
 * {@code Map} field takes a nested mapping of names to scalars (a list becomes comma-joined text, a
 * mapping inside it dotted names) or
 * overrides of the form {@code key.NAME=value}; its entries are validated later by whoever owns the
 * names (an optimizer's hyperparameters).
 */
public final class Schema {
    private final Map<String, Field> fields = new LinkedHashMap<>();

    /** Adds a field; fields are listed in the order added. */
    public Schema add(Field f) {
        if (fields.putIfAbsent(f.name(), f) != null) throw new IllegalArgumentException("field " + f.name() + " defined twice");
        return this;
    }

    public Map<String, Field> fields() { return java.util.Collections.unmodifiableMap(fields); }

    /** Every field's default, in order. */
    public Map<String, Object> defaults() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Field f : fields.values()) v.put(f.name(), f.defaultValue());
        return v;
    }

    /**
     * Binds the YAML mapping {@code root} (null: nothing) over {@code into}; {@code source} names the
     * text in messages.
     */
    public void bind(JsonNode root, String source, Map<String, Object> into) {
        if (root == null) return;
        if (!root.isObject()) throw new ConfigException(source + " must be a mapping of key: value pairs");
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            Field f = field(e.getKey());
            if (f.type() == Map.class) {
                if (!e.getValue().isObject()) throw new ConfigException("config key '" + f.name() + "' must be a mapping of name: value");
                Map<String, String> m = new LinkedHashMap<>(mapValue(into, f));
                putEntries("", f.name(), e.getValue(), m);
                into.put(f.name(), m);
            } else {
                into.put(f.name(), f.bind(e.getValue(), f.name()));
            }
        }
    }

    /** Applies {@code key=value} overrides (values in YAML scalar syntax) over {@code into}. */
    public void override(List<String> overrides, Map<String, Object> into) {
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new ConfigException("override '" + o + "' must have the form key=value");
            String key = o.substring(0, eq).trim();
            String raw = o.substring(eq + 1).trim();
            int dot = key.indexOf('.');
            if (dot > 0 && fields.containsKey(key.substring(0, dot)) && fields.get(key.substring(0, dot)).type() == Map.class
                    && key.length() > dot + 1) {
                Field f = fields.get(key.substring(0, dot));
                Map<String, String> m = new LinkedHashMap<>(mapValue(into, f));
                m.put(key.substring(dot + 1), raw);
                into.put(f.name(), m);
                continue;
            }
            Field f = field(key);
            into.put(key, f.bind(scalar(raw), key));
        }
    }

    /** {@code raw} read as one YAML scalar ({@code 3} an integer, {@code 1e-3} a number, {@code true} a boolean); anything else is text. */
    public static JsonNode scalar(String raw) {
        var nodes = YamlConfig.mapper().getNodeFactory();
        if (raw.isEmpty()) return nodes.textNode("");
        if (raw.length() > YamlConfig.MAX_BYTES) throw new ConfigException("override value of " + raw.length() + " characters; the limit is " + YamlConfig.MAX_BYTES);
        try {
            JsonNode n = YamlConfig.mapper().readTree(raw);
            return n == null || n.isMissingNode() ? nodes.textNode(raw) : n;
        } catch (IOException e) {
            return nodes.textNode(raw);
        }
    }

    private Field field(String key) {
        Field f = fields.get(key);
        if (f == null) throw unknownKey(key, key, fields.keySet());
        return f;
    }

    private static ConfigException unknownKey(String key, String path, Collection<String> valid) {
        return new ConfigException("unknown config key '" + key + "'; valid keys: " + String.join(", ", valid));
    }

    /**
     * Refuses the first key of mapping {@code node} not in {@code valid}, naming its full path
     * ({@code path} is the mapping's own path, "" at the top) and the keys allowed there.
     */
    public static void checkKeys(JsonNode node, String path, Set<String> valid, String source) {
        var it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!valid.contains(k)) {
                String at = path.isEmpty() ? k : path + "." + k;
                throw new ConfigException(source + ": unknown key '" + k + "' at " + at + "; valid keys there: " + String.join(", ", valid));
            }
        }
    }

    /**
     * The entries of mapping {@code node} into {@code m}; a nested mapping's entries get dotted names
     * ({@code rank_pattern: {c_attn: 4}} is {@code rank_pattern.c_attn = 4}, the name the override
     * {@code key.rank_pattern.c_attn=4} gives).
     */
    private static void putEntries(String prefix, String path, JsonNode node, Map<String, String> m) {
        var entries = node.fields();
        while (entries.hasNext()) {
            var a = entries.next();
            if (a.getValue().isObject()) putEntries(prefix + a.getKey() + ".", path + "." + a.getKey(), a.getValue(), m);
            else m.put(prefix + a.getKey(), scalarText(path + "." + a.getKey(), a.getValue()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> mapValue(Map<String, Object> into, Field f) {
        Object v = into.get(f.name());
        return v == null ? Map.of() : (Map<String, String>) v;
    }

    private static String scalarText(String path, JsonNode node) {
        if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode n : node) b.append(b.length() == 0 ? "" : ",").append(scalarText(path, n));
            return b.toString();
        }
        if (!node.isValueNode() || node.isNull()) throw new ConfigException(path + " must be a number, a boolean, a word or a list");
        return node.asText();
    }
}
