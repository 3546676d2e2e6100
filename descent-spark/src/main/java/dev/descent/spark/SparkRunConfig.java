package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.config.YamlConfig;
import dev.descent.train.ConfigException;
import dev.descent.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A distributed run's configuration: the file {@code bin/descent train} reads ({@link TrainConfig}),
 * plus a {@code cluster:} section ({@link ClusterConfig}). Overrides {@code key=value} go to the
 * training keys, {@code cluster.key=value} to the section.
 */
public record SparkRunConfig(TrainConfig train, ClusterConfig cluster) {
    private static final String SECTION = "cluster";

    /** Reads {@code file} (YAML), then applies {@code overrides}; checks everything before any work starts. */
    public static SparkRunConfig load(Path file, List<String> overrides) {
        return parse(YamlConfig.read(file), file.toString(), overrides);
    }

    /** The configuration in YAML text {@code text} (named {@code source} in messages), then {@code overrides}. */
    public static SparkRunConfig parse(String text, String source, List<String> overrides) {
        return parse(YamlConfig.parse(text, source), source, overrides);
    }

    private static SparkRunConfig parse(JsonNode root, String source, List<String> overrides) {
        Map<String, String> cluster = new LinkedHashMap<>();
        TrainConfig train = TrainConfig.defaults();
        if (root != null && root.isObject()) {
            ObjectNode rest = ((ObjectNode) root).deepCopy();
            JsonNode section = rest.remove(SECTION);
            if (section != null && !section.isNull()) {
                if (!section.isObject()) throw new ConfigException("config key 'cluster' in " + source + " must be a mapping of " + ClusterConfig.KEYS);
                section.properties().forEach(e -> cluster.put(e.getKey(), e.getValue().asText()));
            }
            try {
                train = train.merge(YamlConfig.mapper().writeValueAsString(rest), source);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else if (root != null && !root.isNull()) {
            throw new ConfigException(source + " must hold a mapping of config keys");
        }
        List<String> trainOverrides = new ArrayList<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (o.startsWith(SECTION + ".") && eq > 0) cluster.put(o.substring(SECTION.length() + 1, eq), o.substring(eq + 1));
            else trainOverrides.add(o);
        }
        SparkRunConfig config = new SparkRunConfig(train.with(trainOverrides).validate(), ClusterConfig.defaults().with(cluster));
        config.cluster().stageInterval(config.train().getInt("eval_interval"));
        return config;
    }

    /** The training keys as YAML plus the {@code cluster:} section (written into the run folder). */
    public String toYaml() {
        StringBuilder s = new StringBuilder(train.toYaml());
        s.append(SECTION).append(":\n");
        s.append("  master: \"").append(cluster.master()).append("\"\n");
        s.append("  workers: ").append(cluster.workers()).append('\n');
        s.append("  mode: ").append(cluster.mode().id()).append('\n');
        s.append("  connect_timeout: ").append(cluster.connectTimeoutSeconds()).append('\n');
        s.append("  checkpoint_interval: ").append(cluster.checkpointInterval()).append('\n');
        s.append("  average_every: ").append(cluster.averageEvery()).append('\n');
        s.append("  transport: ").append(cluster.transport().id()).append('\n');
        return s.toString();
    }
}
