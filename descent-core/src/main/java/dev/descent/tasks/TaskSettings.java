package dev.descent.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The difficulty settings of a task as {@code key=value} text ({@code digits=3}, {@code reversed=false}),
 * read by the task's factory with a default and a range for each key. Every error is one line naming
 * the key, the value and what is allowed; a key no factory read is refused by {@link #checkAllUsed}.
 */
public final class TaskSettings {
    private final Map<String, String> values;
    /** Keys read so far and the description of what each allows (for the error on unknown keys). */
    private final Map<String, String> known = new TreeMap<>();

    public TaskSettings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static TaskSettings none() {
        return new TaskSettings(Map.of());
    }

    /** The integer at {@code key} in [min, max], or {@code dflt} when absent. */
    public int integer(String key, int dflt, int min, int max) {
        known.put(key, "an integer in [" + min + ", " + max + "]");
        String v = values.get(key);
        if (v == null) return dflt;
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task setting '" + key + "' = " + v + " is not an integer; allowed: " + known.get(key));
        }
        if (n < min || n > max) throw new IllegalArgumentException("task setting '" + key + "' = " + v + " is out of range; allowed: " + known.get(key));
        return n;
    }

    /** The boolean at {@code key} ({@code true} or {@code false}), or {@code dflt} when absent. */
    public boolean bool(String key, boolean dflt) {
        known.put(key, "true or false");
        String v = values.get(key);
        if (v == null) return dflt;
        return switch (v.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("task setting '" + key + "' = " + v + " is not a boolean; allowed: true or false");
        };
    }

    /** Refuses keys that no getter read: a misspelt setting must not be silently ignored. */
    public void checkAllUsed(String task) {
        for (String k : values.keySet()) {
            if (!known.containsKey(k)) {
                throw new IllegalArgumentException("task " + task + " has no setting '" + k + "'; allowed: "
                        + (known.isEmpty() ? "none" : String.join(", ", known.keySet())));
            }
        }
    }

    /** The settings as given. */
    public Map<String, String> asMap() { return values; }
}
