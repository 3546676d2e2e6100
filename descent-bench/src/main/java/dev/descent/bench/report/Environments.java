package dev.descent.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line per distinct machine and code version the runs came from, read from {@code runs.env_json}:
 * JDK, cores, git revision (and whether the tree had uncommitted changes, {@code git_dirty}), OS and
 * architecture, with the number of runs. Several spellings of each key are accepted ({@code jdk} or
 * {@code java_version}, {@code cores} or {@code available_processors}, {@code git_revision} or
 * {@code git}, …) so the summary survives small changes of the harness.
 */
final class Environments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Environments() {}

    /** Lines like {@code JDK 25.0.1 · 2 cores · git 57b8e57 · Linux amd64 — 36 runs}, most runs first. */
    static List<String> summarize(List<RunRecord> runs) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RunRecord r : runs) counts.merge(describe(r.envJson()), 1, Integer::sum);
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        List<String> out = new ArrayList<>();
        for (var e : entries) out.add(e.getKey() + " — " + e.getValue() + (e.getValue() == 1 ? " run" : " runs"));
        return out;
    }

    static String describe(String envJson) {
        JsonNode env;
        try {
            env = JSON.readTree(envJson);
        } catch (Exception e) {
            return "unreadable env_json";
        }
        if (env == null || !env.isObject()) return "unreadable env_json";
        List<String> parts = new ArrayList<>();
        String jdk = first(env, "jdk", "java_version", "java.version", "jdk_version", "java");
        if (jdk != null) parts.add("JDK " + jdk);
        String cores = first(env, "cores", "available_processors", "cpus", "processors");
        if (cores != null) parts.add(cores + " cores");
        String threads = first(env, "kernel_threads", "threads");
        if (threads != null) parts.add(threads + " kernel threads");
        String git = first(env, "git_revision", "git", "git_rev", "git_commit", "revision");
        JsonNode dirty = env.get("git_dirty");
        if (git != null) parts.add("git " + (git.matches("[0-9a-f]{40}") ? git.substring(0, 12) : git)
                + (dirty != null && dirty.asBoolean(false) ? " with uncommitted changes" : ""));
        String os = first(env, "os", "os_name", "os.name");
        String arch = first(env, "arch", "os_arch", "os.arch");
        if (os != null || arch != null) parts.add(((os == null ? "" : os) + " " + (arch == null ? "" : arch)).strip());
        return parts.isEmpty() ? "environment not recorded" : String.join(" · ", parts);
    }

    private static String first(JsonNode env, String... keys) {
        for (String k : keys) {
            JsonNode v = env.get(k);
            if (v != null && !v.isNull() && !v.asText().isBlank()) return v.isValueNode() ? v.asText() : v.toString();
        }
        return null;
    }
}
