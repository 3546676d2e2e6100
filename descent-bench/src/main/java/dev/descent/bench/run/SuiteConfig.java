package dev.descent.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.descent.bench.problems.BenchProblem;
import dev.descent.bench.problems.BenchProblems;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.config.ConfigException;
import dev.descent.config.Field;
import dev.descent.config.Schema;
import dev.descent.config.YamlConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A benchmark grid read from YAML: problems × optimizer settings × hyperparameter grid × seeds.
 * The format is documented in {@code docs/benchmarks.md}; in short:
 * <pre>
 * name: quick                 # default: the file name without extension
 * seeds: 2                    # a count (seeds 0..K-1) or a list [0, 3, 7]
 * steps: 300                  # optional: steps for every problem (else each problem's default)
 * eval_every: 50              # optional, likewise
 * optimizers: all             # every registered optimizer with its defaults, or a list:
 * #  - adamw                  #   defaults
 * #  - {name: sgd, hyper: {lr: [0.1, 0.01], momentum: 0.9}}   # a list value is a grid axis
 * overrides:                  # optional: optimizer name -> hyperparameters, on every problem
 *   sgd: {lr: 0.05}
 * problems:
 *   - quadratic               # a name alone: the problem's defaults
 *   - name: rosenbrock
 *     steps: 500
 *     eval_every: 100
 *     hyper: {lr: 0.001}      # every optimizer on this problem
 *     overrides: {adamw: {lr: [0.01, 0.003]}}   # one optimizer on this problem
 *     optimizers: [adamw, lion]                   # optional: this problem's own optimizer list
 * </pre>
 * Hyperparameters merge from the least to the most specific: the optimizer entry's {@code hyper},
 * the top-level {@code overrides}, the problem's {@code hyper}, the problem's {@code overrides};
 * list values are then expanded as a cartesian grid (keys in alphabetical order, values in the
 * order given). Every error names the key and its path ({@code problems[2].stepz}).
 *
 * <p>Binding goes through {@code dev.descent.config}, as a training config's does: the text is read by
 * {@link YamlConfig}, mappings are checked key by key with {@link Schema#checkKeys} (an unknown key is
 * refused with its full path and the keys allowed there), and scalars are typed {@link Field}s, so a
 * wrong value reads {@code config key 'problems[0].steps' = 0 is out of range; allowed: an integer >= 1}.
 * {@code key=value} overrides ({@code bench run --set}) address any key by its path
 * ({@code steps=50}, {@code problems[1].eval_every=20}, {@code optimizers[0].hyper.lr=0.1}) and are
 * applied to the YAML tree before binding, so they are checked exactly like the file's own keys.
 */
public final class SuiteConfig {
    /** The suites shipped as resources under {@code dev/descent/bench/suites/}. */
    public static final List<String> SUITES = List.of("quick", "standard", "full");

    private static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("name", "description", "seeds", "steps", "eval_every", "optimizers", "overrides", "problems"));
    private static final Set<String> PROBLEM_KEYS = new LinkedHashSet<>(List.of("name", "steps", "eval_every", "hyper", "overrides", "optimizers"));
    private static final Set<String> OPTIMIZER_KEYS = new LinkedHashSet<>(List.of("name", "hyper"));
    /** The typed scalars (the same {@link Field} records as a training config's keys). */
    private static final Field NAME = new Field("name", String.class, null, 0, 0, null, "suite name (the default output folder)");
    private static final Field DESCRIPTION = new Field("description", String.class, null, 0, 0, null, "free text");
    private static final Field COUNT = new Field("count", Integer.class, 1, 1, Double.POSITIVE_INFINITY, null, "a count or a step number");
    /**
     * The most runs one grid may expand to. The full suite is about a thousand runs; a grid far larger
     * is a typo ({@code --seeds 100000000}) that would fill the heap before the first run starts.
     */
    public static final int MAX_RUNS = 100_000;

    /** An optimizer setting: a name and hyperparameters whose values are one or more strings. */
    record OptimizerEntry(String name, Map<String, List<String>> hyper) {}

    /** A problem with its optimizer settings, hyperparameters already merged. */
    record ProblemEntry(String name, Integer steps, Integer evalEvery, List<OptimizerEntry> optimizers) {}

    private final String name;
    private final String source;
    private final List<Long> seeds;
    private final List<ProblemEntry> problems;

    private SuiteConfig(String name, String source, List<Long> seeds, List<ProblemEntry> problems) {
        this.name = name;
        this.source = source;
        this.seeds = seeds;
        this.problems = problems;
    }

    /** The suite or config name ({@code runs.suite}, the default output folder). */
    public String name() { return name; }

    /** Where the YAML came from (a path or {@code suite:NAME}). */
    public String source() { return source; }

    /** Reads a config file (at most {@link YamlConfig#MAX_BYTES}, UTF-8, one document, no aliases or duplicate keys). */
    public static SuiteConfig load(Path file, OptimizerRegistry registry) {
        return load(file, registry, List.of());
    }

    /** Reads a config file and applies {@code key=value} overrides (see the class comment). */
    public static SuiteConfig load(Path file, OptimizerRegistry registry, List<String> overrides) {
        JsonNode root = YamlConfig.read(file);
        String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return bind(override(root, overrides, file.toString()), file.toString(), base, registry);
    }

    /** Reads a shipped suite by name. */
    public static SuiteConfig suite(String suite, OptimizerRegistry registry) {
        return suite(suite, registry, List.of());
    }

    /** Reads a shipped suite by name and applies {@code key=value} overrides. */
    public static SuiteConfig suite(String suite, OptimizerRegistry registry, List<String> overrides) {
        if (!SUITES.contains(suite)) throw new IllegalArgumentException("unknown suite '" + suite + "'; valid: " + String.join(", ", SUITES));
        String res = "/dev/descent/bench/suites/" + suite + ".yaml";
        try (InputStream in = SuiteConfig.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("suite resource " + res + " is missing from the build");
            String source = "suite " + suite;
            JsonNode root = YamlConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
            return bind(override(root, overrides, source), source, suite, registry);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read suite resource " + res, e);
        }
    }

    /** Parses YAML text; {@code source} names it in messages, {@code defaultName} applies when it has no {@code name}. */
    public static SuiteConfig parse(String text, String source, String defaultName, OptimizerRegistry registry) {
        return parse(text, source, defaultName, registry, List.of());
    }

    /** Parses YAML text and applies {@code key=value} overrides. */
    public static SuiteConfig parse(String text, String source, String defaultName, OptimizerRegistry registry, List<String> overrides) {
        return bind(override(YamlConfig.parse(text, source), overrides, source), source, defaultName, registry);
    }

    /**
     * {@code root} with each {@code path=value} override set (value read as a YAML scalar: {@code 3},
     * {@code 1e-3}, {@code true}, a word). The path is keys joined by dots with list indices in
     * brackets; the mappings and list entries on the way must exist, except the last key, which may be
     * new (the binder then refuses it if the format has no such key).
     */
    static JsonNode override(JsonNode root, List<String> overrides, String source) {
        if (overrides.isEmpty()) return root;
        if (root == null || !root.isObject()) return root;
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new ConfigException("override '" + o + "' must have the form key=value (e.g. steps=100, problems[0].eval_every=10)");
            String path = o.substring(0, eq).trim();
            JsonNode value = Schema.scalar(o.substring(eq + 1).trim());
            List<Object> steps = new ArrayList<>();
            for (String part : path.split("\\.", -1)) {
                var m = java.util.regex.Pattern.compile("([^\\[\\]]+)((\\[\\d+\\])*)").matcher(part);
                if (!m.matches()) throw new ConfigException("override key '" + path + "' is not a key path (keys joined by '.', list indices in [])");
                steps.add(m.group(1));
                var idx = java.util.regex.Pattern.compile("\\[(\\d+)\\]").matcher(m.group(2));
                while (idx.find()) steps.add(Integer.parseInt(idx.group(1)));
            }
            JsonNode node = root;
            StringBuilder at = new StringBuilder();
            for (int i = 0; i < steps.size(); i++) {
                Object step = steps.get(i);
                boolean last = i == steps.size() - 1;
                if (step instanceof String key) {
                    if (!(node instanceof ObjectNode obj)) throw new ConfigException(source + ": override " + path + ": " + at + " is not a mapping");
                    at.append(at.length() == 0 ? "" : ".").append(key);
                    if (last) obj.set(key, value);
                    else if (!obj.has(key)) throw new ConfigException(source + ": override " + path + ": no key " + at);
                    else node = obj.get(key);
                } else {
                    int index = (Integer) step;
                    if (!(node instanceof ArrayNode arr)) throw new ConfigException(source + ": override " + path + ": " + at + " is not a list");
                    if (index >= arr.size()) throw new ConfigException(source + ": override " + path + ": " + at + " has " + arr.size() + " entries");
                    at.append('[').append(index).append(']');
                    if (last) arr.set(index, value);
                    else node = arr.get(index);
                }
            }
        }
        return root;
    }

    private static SuiteConfig bind(JsonNode root, String source, String defaultName, OptimizerRegistry registry) {
        if (root == null || !root.isObject()) throw new ConfigException(source + " must be a mapping with at least 'problems' and 'optimizers'");
        Parser p = new Parser(source, registry);
        p.checkKeys(root, "", TOP_KEYS);
        String name = root.has("name") ? p.string(root.get("name"), "name") : defaultName;
        if (root.has("description")) p.bound(DESCRIPTION, root.get("description"), "description");
        if (!name.matches("[A-Za-z0-9._-]+") || name.matches("\\.+")) {
            // The name becomes a folder (bench-results/<name>): '.' or '..' would write outside it.
            throw new ConfigException(source + ": name '" + name + "' may only use letters, digits, '.', '_' and '-', and not be only dots");
        }
        List<Long> seeds = root.has("seeds") ? p.seeds(root.get("seeds")) : List.of(0L);
        Integer steps = root.has("steps") ? p.positive(root.get("steps"), "steps") : null;
        Integer evalEvery = root.has("eval_every") ? p.positive(root.get("eval_every"), "eval_every") : null;
        if (!root.has("optimizers")) throw new ConfigException(source + ": missing key 'optimizers' (a list of optimizers, or 'all')");
        List<OptimizerEntry> optimizers = p.optimizers(root.get("optimizers"), "optimizers");
        Map<String, Map<String, List<String>>> overrides = root.has("overrides")
                ? p.overrides(root.get("overrides"), "overrides", names(optimizers)) : Map.of();
        if (!root.has("problems")) throw new ConfigException(source + ": missing key 'problems' (a list of problem names or mappings)");
        JsonNode ps = root.get("problems");
        if (!ps.isArray() || ps.isEmpty()) throw new ConfigException(source + ": 'problems' must be a non-empty list");
        List<ProblemEntry> problems = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) problems.add(p.problem(ps.get(i), "problems[" + i + "]", steps, evalEvery, optimizers, overrides));
        SuiteConfig c = new SuiteConfig(name, source, seeds, problems);
        long runs = c.size(seeds.size());
        if (runs > MAX_RUNS) {
            throw new ConfigException(source + ": the grid has " + runs + " runs (problems x optimizers x hyperparameter points x seeds); the limit is " + MAX_RUNS);
        }
        return c;
    }

    private static Set<String> names(List<OptimizerEntry> list) {
        Set<String> s = new LinkedHashSet<>();
        for (OptimizerEntry e : list) s.add(e.name());
        return s;
    }

    /**
     * The runs of the grid in a fixed order: problems as listed, then optimizer settings as listed,
     * then hyperparameter grid points, then seeds. {@code seedsOverride} (when not null) replaces
     * the seeds with 0..K-1. Identical points (same run id) appear once.
     */
    public List<RunSpec> expand(Integer seedsOverride) {
        List<Long> useSeeds = seeds;
        if (seedsOverride != null) {
            if (seedsOverride < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seedsOverride);
            long runs = size(seedsOverride);
            if (runs > MAX_RUNS) {
                throw new IllegalArgumentException("--seeds " + seedsOverride + " makes " + name + " a grid of " + runs + " runs; the limit is "
                        + MAX_RUNS + " (at most " + Math.max(1, MAX_RUNS / size(1)) + " seeds for this grid)");
            }
            useSeeds = new ArrayList<>();
            for (long s = 0; s < seedsOverride; s++) useSeeds.add(s);
        }
        Map<String, RunSpec> out = new LinkedHashMap<>();
        for (ProblemEntry pe : problems) {
            BenchProblem bp = BenchProblems.byName(pe.name());
            int steps = pe.steps() != null ? pe.steps() : bp.defaultSteps();
            int evalEvery = pe.evalEvery() != null ? pe.evalEvery() : bp.defaultEvalEvery();
            for (OptimizerEntry oe : pe.optimizers()) {
                for (Map<String, String> point : grid(oe.hyper())) {
                    for (long seed : useSeeds) {
                        RunSpec s = RunSpec.of(pe.name(), oe.name(), point, seed, steps, evalEvery);
                        out.putIfAbsent(s.runId(), s);
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The number of runs of the grid with {@code seedCount} seeds, before identical points are merged (saturates at Long.MAX_VALUE). */
    public long size(long seedCount) {
        long total = 0;
        for (ProblemEntry pe : problems) {
            for (OptimizerEntry oe : pe.optimizers()) total = saturatedAdd(total, saturatedMultiply(gridSize(oe.hyper()), seedCount));
        }
        return total;
    }

    private static long gridSize(Map<String, List<String>> hyper) {
        long n = 1;
        for (List<String> values : hyper.values()) n = saturatedMultiply(n, values.size());
        return n;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        return hi != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** Cartesian product of list-valued hyperparameters, keys in alphabetical order. */
    static List<Map<String, String>> grid(Map<String, List<String>> hyper) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new TreeMap<>());
        for (var e : new TreeMap<>(hyper).entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String v : e.getValue()) {
                    Map<String, String> q = new TreeMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** Walks the YAML tree; every message names the source and the path of the offending key. */
    private static final class Parser {
        private final String source;
        private final OptimizerRegistry registry;

        Parser(String source, OptimizerRegistry registry) {
            this.source = source;
            this.registry = registry;
        }

        ConfigException error(String path, String what) {
            return new ConfigException(source + ": " + (path.isEmpty() ? "" : path + ": ") + what);
        }

        void checkKeys(JsonNode node, String path, Set<String> valid) {
            Schema.checkKeys(node, path, valid, source);
        }

        /** {@code field}'s typed value of {@code n} at {@code path}; the message names the source too. */
        Object bound(Field field, JsonNode n, String path) {
            try {
                return field.bind(n, path);
            } catch (ConfigException e) {
                throw new ConfigException(source + ": " + e.getMessage());
            }
        }

        String string(JsonNode n, String path) {
            if (n == null || !n.isTextual()) throw error(path, "must be a non-empty string");
            return (String) bound(NAME, n, path);
        }

        int positive(JsonNode n, String path) {
            return (Integer) bound(COUNT, n, path);
        }

        List<Long> seeds(JsonNode n) {
            List<Long> out = new ArrayList<>();
            if (n.isIntegralNumber()) {
                int k = positive(n, "seeds");
                if (k > MAX_RUNS) throw error("seeds", "must be at most " + MAX_RUNS + " (the grid's run limit), got " + k);
                for (long s = 0; s < k; s++) out.add(s);
                return out;
            }
            if (!n.isArray() || n.isEmpty()) throw error("seeds", "must be a count >= 1 or a non-empty list of seeds, got " + n);
            for (int i = 0; i < n.size(); i++) {
                JsonNode s = n.get(i);
                if (!s.isIntegralNumber() || !s.canConvertToLong() || s.longValue() < 0) throw error("seeds[" + i + "]", "must be an integer >= 0, got " + s);
                if (out.contains(s.longValue())) throw error("seeds[" + i + "]", "seed " + s + " is listed twice");
                out.add(s.longValue());
            }
            return out;
        }

        List<OptimizerEntry> optimizers(JsonNode n, String path) {
            List<OptimizerEntry> out = new ArrayList<>();
            if (n.isTextual() && n.asText().equals("all")) {
                for (OptimizerInfo i : registry.all()) out.add(new OptimizerEntry(i.name(), Map.of()));
                if (out.isEmpty()) throw error(path, "'all' but no optimizer is registered");
                return out;
            }
            if (!n.isArray() || n.isEmpty()) throw error(path, "must be 'all' or a non-empty list of optimizer names or {name, hyper} mappings");
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                String at = path + "[" + i + "]";
                if (e.isTextual()) {
                    out.add(new OptimizerEntry(optimizerName(e.asText(), at), Map.of()));
                } else if (e.isObject()) {
                    checkKeys(e, at, OPTIMIZER_KEYS);
                    String name = optimizerName(string(e.get("name"), at + ".name"), at + ".name");
                    Map<String, List<String>> hyper = e.has("hyper") ? hyper(e.get("hyper"), at + ".hyper") : Map.of();
                    out.add(new OptimizerEntry(name, hyper));
                } else {
                    throw error(at, "must be an optimizer name or a {name, hyper} mapping, got " + e);
                }
            }
            return out;
        }

        String optimizerName(String name, String path) {
            if (!registry.contains(name)) {
                List<String> valid = new ArrayList<>();
                for (OptimizerInfo i : registry.all()) valid.add(i.name());
                throw new IllegalArgumentException(source + ": " + path + ": unknown optimizer '" + name + "'; valid: " + String.join(", ", valid));
            }
            return name;
        }

        Map<String, List<String>> hyper(JsonNode n, String path) {
            if (!n.isObject()) throw error(path, "must be a mapping of hyperparameter names to values, got " + n);
            Map<String, List<String>> out = new LinkedHashMap<>();
            var it = n.fields();
            while (it.hasNext()) {
                var f = it.next();
                String at = path + "." + f.getKey();
                JsonNode v = f.getValue();
                List<String> values = new ArrayList<>();
                if (v.isArray()) {
                    if (v.isEmpty()) throw error(at, "an empty list gives no grid point");
                    for (int i = 0; i < v.size(); i++) values.add(scalar(v.get(i), at + "[" + i + "]"));
                } else {
                    values.add(scalar(v, at));
                }
                out.put(f.getKey(), values);
            }
            return out;
        }

        String scalar(JsonNode v, String path) {
            if (!v.isValueNode() || v.isNull()) {
                throw error(path, "must be a number, a boolean or a word (a list is a grid axis; write a pair like betas as \"0.9,0.999\"), got " + v);
            }
            return v.asText();
        }

        Map<String, Map<String, List<String>>> overrides(JsonNode n, String path, Set<String> optimizers) {
            if (!n.isObject()) throw error(path, "must be a mapping of optimizer names to hyperparameter mappings");
            Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
            var it = n.fields();
            while (it.hasNext()) {
                var f = it.next();
                String at = path + "." + f.getKey();
                optimizerName(f.getKey(), at);
                if (!optimizers.contains(f.getKey())) {
                    throw error(at, "optimizer '" + f.getKey() + "' is not in this grid's optimizers: " + String.join(", ", optimizers));
                }
                out.put(f.getKey(), hyper(f.getValue(), at));
            }
            return out;
        }

        ProblemEntry problem(JsonNode n, String path, Integer steps, Integer evalEvery, List<OptimizerEntry> topOptimizers,
                             Map<String, Map<String, List<String>>> topOverrides) {
            String name;
            List<OptimizerEntry> optimizers = topOptimizers;
            Map<String, List<String>> hyper = Map.of();
            Map<String, Map<String, List<String>>> overrides = Map.of();
            if (n.isTextual()) {
                name = n.asText();
            } else if (n.isObject()) {
                checkKeys(n, path, PROBLEM_KEYS);
                name = string(n.get("name"), path + ".name");
                if (n.has("steps")) steps = positive(n.get("steps"), path + ".steps");
                if (n.has("eval_every")) evalEvery = positive(n.get("eval_every"), path + ".eval_every");
                if (n.has("optimizers")) optimizers = optimizers(n.get("optimizers"), path + ".optimizers");
                if (n.has("hyper")) hyper = hyper(n.get("hyper"), path + ".hyper");
                if (n.has("overrides")) overrides = overrides(n.get("overrides"), path + ".overrides", names(optimizers));
            } else {
                throw error(path, "must be a problem name or a mapping with 'name', got " + n);
            }
            if (!BenchProblems.contains(name)) {
                throw new IllegalArgumentException(source + ": " + path + ": unknown problem '" + name + "'; valid: " + String.join(", ", BenchProblems.names()));
            }
            List<OptimizerEntry> merged = new ArrayList<>();
            for (OptimizerEntry oe : optimizers) {
                Map<String, List<String>> h = new LinkedHashMap<>(oe.hyper());
                h.putAll(topOverrides.getOrDefault(oe.name(), Map.of()));
                h.putAll(hyper);
                h.putAll(overrides.getOrDefault(oe.name(), Map.of()));
                merged.add(new OptimizerEntry(oe.name(), h));
            }
            return new ProblemEntry(name, steps, evalEvery, merged);
        }
    }
}
