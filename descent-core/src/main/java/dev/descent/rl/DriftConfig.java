package dev.descent.rl;

import dev.descent.config.Field;
import dev.descent.config.Schema;
import dev.descent.config.SchemaConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration of a DRIFT run ({@link DriftRun}): YAML key: value pairs and {@code key=value}
 * overrides, bound and checked by {@link Schema}. Defaults follow the reference code's launch script
 * where it has them (γ 0.9, β 0.1, 16 interactions per prompt, 1 epoch, grad clip 1; target and
 * learning rate suit the small character models here, the script's 5e-6 is for a 3B model).
 */
public final class DriftConfig extends SchemaConfig<DriftConfig> {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Schema SCHEMA = new Schema();

    static {
        def("init_from", String.class, "none", 0, 0, null, "run folder of the reference policy (made by rl feedback-warmup)");
        def("prompts", Integer.class, 128, 1, 1 << 20, null, "problems rolled out once from the reference");
        def("samples_per_prompt", Integer.class, 16, 1, 1 << 16, null, "interactions per problem (one weight group)");
        def("max_new_tokens", Integer.class, 5, 1, 1 << 16, null, "most tokens per answer, stop included");
        def("gamma", Double.class, 0.9, 0, 1, null, "discount over turns");
        def("beta", Double.class, 0.1, 0, INF, null, "temperature of the weights (> 0)");
        def("target", String.class, "all_turns", 0, 0, List.of("all_turns", "last_turn"), "policy tokens trained on");
        def("epochs", Integer.class, 1, 1, 1 << 16, null, "passes over the stored interactions");
        def("batch_size", Integer.class, 32, 1, 1 << 16, null, "interactions per step");
        def("learning_rate", Double.class, 1e-3, 0, INF, null, "AdamW learning rate (constant)");
        def("weight_decay", Double.class, 0.0, 0, INF, null, "AdamW decoupled weight decay (matrices)");
        def("eval_problems", Integer.class, 256, 1, 1 << 20, null, "held-out problems evaluated before and after (one interaction each, T = 1)");
        def("seed", Integer.class, 0, 0, Integer.MAX_VALUE, null, "seed of the problems, the rollouts and the order");
    }

    private static void def(String name, Class<?> type, Object dflt, double min, double max, List<String> choices, String help) {
        SCHEMA.add(new Field(name, type, dflt, min, max, choices, help));
    }

    /** All keys, in order. */
    public static final Map<String, Field> KEYS = SCHEMA.fields();

    private DriftConfig(Map<String, Object> values) {
        super(SCHEMA, values);
    }

    public static DriftConfig defaults() { return new DriftConfig(SCHEMA.defaults()); }

    /** Reads a YAML file over the defaults. */
    public static DriftConfig load(Path file) { return new DriftConfig(read(SCHEMA, file)); }

    @Override
    protected DriftConfig withValues(Map<String, Object> values) { return new DriftConfig(values); }

    /** The recipe's settings for an environment of {@code turns} answers. */
    public Drift.Settings settings(int turns) {
        if (!(getDouble("beta") > 0)) throw new IllegalArgumentException("config key 'beta' = " + getDouble("beta") + " is out of range; allowed: a number > 0");
        return new Drift.Settings(getInt("prompts"), getInt("samples_per_prompt"), turns, getInt("max_new_tokens"), getDouble("gamma"), getDouble("beta"),
                Drift.Target.byName(getString("target")), getInt("epochs"), getInt("batch_size"), getDouble("learning_rate"), getDouble("weight_decay"),
                getInt("seed"));
    }
}
