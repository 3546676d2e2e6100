package dev.descent.optim;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Hyperparameters given by name ({@code --set lr=0.01}, a config's optimizer section) with typed
 * getters that fall back to a default. The named optimizers read them through their hyperparameter
 * records' {@link HyperField}s (which hold the defaults and checks); {@link #checkAllUsed} rejects any
 * name the optimizer did not ask for, naming the valid ones.
 */
public final class HyperParams {
    private final Map<String, String> values;
    private final Set<String> asked = new LinkedHashSet<>();

    public HyperParams(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public static HyperParams empty() { return new HyperParams(Map.of()); }

    /** Parses {@code key=value} strings. */
    public static HyperParams parse(Iterable<String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("hyperparameter '" + p + "' must have the form key=value");
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return new HyperParams(m);
    }

    public double getDouble(String name, double dflt) {
        asked.add(name);
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }

    public int getInt(String name, int dflt) {
        asked.add(name);
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    public boolean getBool(String name, boolean dflt) {
        asked.add(name);
        String v = values.get(name);
        if (v == null) return dflt;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    }

    public String getString(String name, String dflt) {
        asked.add(name);
        return values.getOrDefault(name, dflt);
    }

    /** Throws when a given name was never asked for by the optimizer. */
    public void checkAllUsed(String optimizer) {
        for (String k : values.keySet()) {
            if (!asked.contains(k)) {
                throw new IllegalArgumentException("unknown hyperparameter '" + k + "' for " + optimizer + "; valid: " + String.join(", ", asked));
            }
        }
    }

    public Map<String, String> asMap() { return java.util.Collections.unmodifiableMap(values); }
}
