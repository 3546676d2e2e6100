package dev.descent.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration whose keys are one {@link Schema}: the bound values (defaults, then a YAML file, then
 * {@code key=value} overrides, each checked by the schema), typed getters and the resolved YAML a run
 * folder keeps. A subclass declares its schema and what its keys mean; {@code C} is the subclass, so
 * {@link #with} returns it.
 */
public abstract class SchemaConfig<C extends SchemaConfig<C>> {
    private final Schema schema;
    private final Map<String, Object> values;

    protected SchemaConfig(Schema schema, Map<String, Object> values) {
        this.schema = schema;
        this.values = values;
    }

    /** The schema's defaults with the keys of a YAML file bound over them. */
    protected static Map<String, Object> read(Schema schema, Path file) {
        Map<String, Object> out = new LinkedHashMap<>(schema.defaults());
        schema.bind(YamlConfig.read(file), file.toString(), out);
        return out;
    }

    /** A configuration of the subclass holding {@code values}. */
    protected abstract C withValues(Map<String, Object> values);

    /** Applies {@code key=value} overrides (YAML scalar syntax). */
    public C with(List<String> overrides) {
        Map<String, Object> out = new LinkedHashMap<>(values);
        schema.override(overrides, out);
        return withValues(out);
    }

    public Object get(String key) {
        Object v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no config key '" + key + "'");
        return v;
    }

    public int getInt(String key) { return (Integer) get(key); }

    public double getDouble(String key) { return (Double) get(key); }

    public String getString(String key) { return (String) get(key); }

    /** The resolved configuration as YAML (written into the run folder). */
    public String toYaml() { return YamlConfig.write(values); }
}
