package dev.descent.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A short, readable label for a run's {@code hyper_json}: {@code lr=0.01, beta2=0.95} (keys sorted). */
final class HyperLabel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HyperLabel() {}

    static String of(String hyperJson) {
        JsonNode node;
        try {
            node = JSON.readTree(hyperJson);
        } catch (Exception e) {
            return hyperJson; // not JSON: show it as stored rather than hide the setting
        }
        if (node == null || !node.isObject()) return hyperJson;
        if (node.isEmpty()) return "defaults";
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            parts.add(e.getKey() + "=" + (v.isValueNode() ? v.asText() : v.toString()));
        }
        parts.sort(null);
        return String.join(", ", parts);
    }
}
