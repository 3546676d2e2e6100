package dev.descent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One typed configuration key: its type ({@code Integer}, {@code Double}, {@code Boolean}, {@code String},
 * or {@code Map} for a mapping of names to scalar texts), default, range or choices, and help text.
 * {@link #bind} turns a YAML value into the typed value or throws a one-line {@link ConfigException}
 * that names the key's path, the value as written and what is allowed.
 *
 * <p>Ranges are closed, except that a {@code Double} key whose maximum is 1 is half-open ({@code [0, 1)}:
 * probabilities and betas) unless its default is 1 itself (a discount such as PPO's γ = 1), so that
 * every default can be written to a file and read back.
 */
public record Field(String name, Class<?> type, Object defaultValue, double min, double max, List<String> choices, String help) {
    public Field {
        if (type != Integer.class && type != Double.class && type != Boolean.class && type != String.class && type != Map.class) {
            throw new IllegalArgumentException("unsupported config type " + type);
        }
    }

    /** What the key accepts, for messages and help ("an integer in [1, 256]"). */
    public String allowed() {
        if (choices != null) return "one of " + choices;
        if (type == Boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type == Map.class) return "a mapping of names to values";
        String kind = type == Integer.class ? "an integer" : "a number";
        if (max == Double.POSITIVE_INFINITY) return kind + " >= " + fmt(min);
        return kind + " in [" + fmt(min) + ", " + fmt(max) + (upperOpen() ? ")" : "]");
    }

    private boolean upperOpen() {
        return type == Double.class && max == 1 && !(defaultValue instanceof Double d && d == 1.0);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** The typed value of {@code node} for the key at {@code path} (its name, or a dotted path). */
    public Object bind(JsonNode node, String path) {
        if (type == Integer.class) {
            if (!node.isIntegralNumber()) throw wrongType(node, path);
            // An integer too large for int is a range error, not a type error (99999999999 is an integer).
            if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) throw outOfRange(node, path);
            return node.intValue();
        }
        if (type == Double.class) {
            if (!node.isNumber()) throw wrongType(node, path);
            double d = node.doubleValue();
            if (!Double.isFinite(d)) throw outOfRange(node, path);
            if (d < min || (upperOpen() ? d >= max : d > max)) throw outOfRange(node, path);
            return d;
        }
        if (type == Boolean.class) {
            if (!node.isBoolean()) throw wrongType(node, path);
            return node.booleanValue();
        }
        if (type == String.class) {
            if (!node.isValueNode() || node.isNull()) throw wrongType(node, path);
            String v = node.asText();
            if (choices != null && !choices.contains(v)) throw wrongType(node, path);
            if (choices == null && v.isBlank()) throw wrongType(node, path);
            return v;
        }
        throw new ConfigException("config key '" + path + "' takes a mapping in YAML, or --set " + path + ".NAME=value");
    }

    /** A range error in the shared shape; the value is printed as written (an integer stays an integer). */
    public ConfigException outOfRange(Object value, String path) {
        return new ConfigException("config key '" + path + "' = " + text(value) + " is out of range; allowed: " + allowed());
    }

    private ConfigException wrongType(JsonNode node, String path) {
        return new ConfigException("config key '" + path + "' = " + text(node) + " has the wrong type; allowed: " + allowed());
    }

    private static String text(Object v) {
        if (v instanceof JsonNode n) return n.isNumber() || n.isBoolean() ? n.asText() : n.toString();
        return String.valueOf(v);
    }
}
