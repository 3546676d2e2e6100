package dev.descent.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of a benchmark grid: a problem, an optimizer with its hyperparameters (as given; the
 * optimizer's defaults fill the rest), a seed, the number of steps and the evaluation interval.
 *
 * <p>Its {@link #runId()} is the lowercase hex SHA-256 of {@link #canonicalJson()}: UTF-8, no spaces,
 * keys in alphabetical order at every level, hyperparameter values as strings —
 * {@code {"eval_every":E,"hyper":{"k":"v",…},"optimizer":"O","problem":"P","seed":S,"steps":N}}.
 * The suite a run came from is not part of its identity.
 */
public record RunSpec(String problem, String optimizer, SortedMap<String, String> hyper, long seed, int steps, int evalEvery) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunSpec {
        hyper = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(hyper));
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (evalEvery < 1) throw new IllegalArgumentException("eval_every must be >= 1, got " + evalEvery);
    }

    public static RunSpec of(String problem, String optimizer, Map<String, String> hyper, long seed, int steps, int evalEvery) {
        return new RunSpec(problem, optimizer, new TreeMap<>(hyper), seed, steps, evalEvery);
    }

    /** The hyperparameters as a canonical JSON object (sorted keys, string values). */
    public String hyperJson() {
        return hyperNode().toString();
    }

    private ObjectNode hyperNode() {
        ObjectNode h = JSON.createObjectNode();
        for (var e : hyper.entrySet()) h.put(e.getKey(), e.getValue());
        return h;
    }

    /** The identity of the run as canonical JSON (see the class comment). */
    public String canonicalJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("eval_every", evalEvery);
        n.set("hyper", hyperNode());
        n.put("optimizer", optimizer);
        n.put("problem", problem);
        n.put("seed", seed);
        n.put("steps", steps);
        return n.toString();
    }

    /** Lowercase hex SHA-256 of {@link #canonicalJson()}. */
    public String runId() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The full spec as stored in {@code runs.config_json}: the identity plus the suite name. */
    public String configJson(String suite) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eval_every", evalEvery);
        n.set("hyper", hyperNode());
        n.put("optimizer", optimizer);
        n.put("problem", problem);
        n.put("run_id", runId());
        n.put("seed", seed);
        n.put("steps", steps);
        n.put("suite", suite);
        return n.toString();
    }

    /** Short human label: "rosenbrock adamw {lr=0.01} seed 1". */
    public String label() {
        return problem + " " + optimizer + (hyper.isEmpty() ? "" : " " + hyper) + " seed " + seed;
    }
}
