package dev.descent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every configured RL run shares ({@code rl train}, {@code rl drift}): settings file, overrides, run folder. */
final class RlRunOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of the run's settings (keys: docs/rl.md)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting over the file (repeatable), e.g. init_from=runs/add-ref")
    List<String> settings = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "run folder to create (required)")
    Path out;

    @Option(names = "--overwrite", description = "replace the run already in --out")
    boolean overwrite;

    /** The run folder of a new run; refused when missing. */
    Path out() {
        if (out == null) throw new IllegalArgumentException("missing option --out DIR (the run folder to create)");
        return out;
    }
}
