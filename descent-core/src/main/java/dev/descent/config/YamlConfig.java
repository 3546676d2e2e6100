package dev.descent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.descent.io.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one reader of configuration files (training configs, benchmark suites): a bounded read, then a
 * strict YAML parse into a tree that {@link Schema} and the suite binder walk.
 * <ul>
 *   <li>A file is at most {@link #MAX_BYTES} (1 MiB; the largest shipped suite is under 4 KiB) and must be
 *       a regular UTF-8 file; the parser's own limits are set to the same size (SnakeYAML's code-point
 *       limit, Jackson's string length) and nesting is at most {@link #MAX_DEPTH}, so a huge quoted
 *       string or a deep nest fails fast instead of taking minutes and gigabytes.</li>
 *   <li>A key given twice in one mapping is refused (YAML leaves it undefined; Jackson would keep the last).</li>
 *   <li>Aliases ({@code *name}) are refused with their path: Jackson hands an alias over as its name in a
 *       string, which turned {@code min_lr: *lr} into a confusing type error; refusing them also rules out
 *       alias bombs. Anchors alone are harmless and ignored.</li>
 *   <li>One document per file: a second {@code ---} document is refused rather than silently dropped.</li>
 * </ul>
 */
public final class YamlConfig {
    private YamlConfig() {}

    /** Largest configuration file read, in bytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** Deepest nesting of mappings and lists. */
    public static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = build();

    private static ObjectMapper build() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_BYTES);
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(0);
        loader.setNestingDepthLimit(MAX_DEPTH);
        YAMLFactory f = YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_BYTES).maxNestingDepth(MAX_DEPTH).maxNumberLength(1000).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .build();
        return new ObjectMapper(f);
    }

    /** The mapper configured as above (also writes resolved configurations back as YAML). */
    public static ObjectMapper mapper() { return MAPPER; }

    /** {@code values} as a YAML document, keys in map order (the resolved configuration a run folder keeps). */
    public static String write(Map<String, Object> values) {
        ObjectNode node = MAPPER.createObjectNode();
        for (var e : values.entrySet()) node.set(e.getKey(), MAPPER.valueToTree(e.getValue()));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads and parses {@code file}; errors name the file. */
    public static JsonNode read(Path file) {
        String text;
        try {
            text = TextFiles.readUtf8(file, MAX_BYTES, "config file");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * Parses YAML {@code text} ({@code source} names it in messages). Returns null for an empty document.
     */
    public static JsonNode parse(String text, String source) {
        if (text.length() > MAX_BYTES) {
            throw new ConfigException(source + " has " + text.length() + " characters; the limit is " + MAX_BYTES);
        }
        try (JsonParser p = new AliasRefusing(MAPPER.getFactory().createParser(text))) {
            JsonNode root = MAPPER.readTree(p);
            if (root != null && !root.isMissingNode() && p.nextToken() != null) {
                throw new ConfigException(source + " holds more than one YAML document (a second '---'); put every key in one document");
            }
            return root == null || root.isMissingNode() || root.isNull() ? null : root;
        } catch (AliasFound e) {
            throw new ConfigException(source + ": " + e.path + ": YAML aliases (*" + e.alias + ") are not supported; write the value itself");
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + " is not valid YAML: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + source + ": " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** Thrown from inside the parse when an alias is met; carries where. */
    private static final class AliasFound extends RuntimeException {
        final String alias;
        final String path;

        AliasFound(String alias, String path) {
            super(null, null, false, false);
            this.alias = alias;
            this.path = path;
        }
    }

    /** Stops at the first alias (Jackson would report it as a string holding the alias name). */
    private static final class AliasRefusing extends JsonParserDelegate {
        AliasRefusing(JsonParser p) {
            super(p);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = super.nextToken();
            if (delegate instanceof YAMLParser y && y.isCurrentAlias()) {
                throw new AliasFound(y.getText(), path(delegate.getParsingContext()));
            }
            return t;
        }

        /** The key path in the configuration's notation: {@code problems[2].hyper.lr}. */
        private static String path(com.fasterxml.jackson.core.JsonStreamContext c) {
            java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
            for (; c != null && !c.inRoot(); c = c.getParent()) {
                parts.addFirst(c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]" : String.valueOf(c.getCurrentName()));
            }
            StringBuilder b = new StringBuilder();
            for (String part : parts) b.append(b.length() > 0 && !part.startsWith("[") ? "." : "").append(part);
            return b.length() == 0 ? "(top level)" : b.toString();
        }
    }
}
