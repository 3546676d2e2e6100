package dev.descent.cli;

import dev.descent.io.AtomicFiles;
import dev.descent.merge.MergeConfig;
import dev.descent.merge.Merger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent merge --config merge.yaml --out DIR}: merge models described in mergekit's YAML schema. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge models (run folders or .safetensors files) as a mergekit YAML describes: linear, task_arithmetic, ties, "
                + "dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties, ace, pcb, opcm, gradfix (docs/merging.md; gradfix reads a gradient file from merge-gradients). Writes DIR/model.safetensors and DIR/merge.yaml.")
final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "the merge configuration (mergekit's YAML schema)")
    Path config;

    @Option(names = "--out", required = true, description = "the output folder (created if missing; must not hold a model.safetensors)")
    Path out;

    @Override
    public Integer call() throws Exception {
        MergeConfig cfg = MergeConfig.read(config);
        Path file = out.resolve("model.safetensors");
        if (Files.exists(file)) throw new IllegalArgumentException(file + " already exists; choose a fresh --out folder");
        boolean created = !Files.isDirectory(out);
        if (created) Files.createDirectories(out);
        boolean done = false;
        try {
            Merger.Summary s = new Merger(cfg).merge(file);
            AtomicFiles.write(out.resolve("merge.yaml"), Files.readAllBytes(config));
            done = true;
            spec.commandLine().getOut().printf("%s: merged %d tensor%s of %d model%s into %s%n", cfg.method().configName(), s.tensors(),
                    s.tensors() == 1 ? "" : "s", s.experts(), s.experts() == 1 ? "" : "s", file);
            return 0;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
                if (created) {
                    try (var left = Files.list(out)) {
                        if (left.findAny().isEmpty()) Files.delete(out);
                    }
                }
            }
        }
    }
}
