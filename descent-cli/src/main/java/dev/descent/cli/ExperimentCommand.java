package dev.descent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.bench.experiment.Experiment;
import dev.descent.bench.experiment.Experiments;
import dev.descent.config.Field;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code descent experiment list|run}: the research experiments that do not fit the benchmark harness. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Research experiments outside the benchmark grid (claim studies): list them, or run one by name.",
        subcommands = {ExperimentCommand.ListExperiments.class, ExperimentCommand.Run.class})
final class ExperimentCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code descent experiment list}: name, description and options (with defaults) of each experiment. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiments with their options and defaults.")
    static final class ListExperiments implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Experiment e : Experiments.all()) {
                out.println(e.name());
                out.println("  " + e.description());
                for (Field f : e.options().fields().values()) {
                    out.printf(Locale.ROOT, "    %-8s default %-20s %s; %s%n", f.name(), f.defaultValue(), f.allowed(), f.help());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code descent experiment run NAME [--set key=value]… [--json]}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run one experiment: prints its report (Markdown), or with --json its results as one JSON object.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "an experiment name (see: experiment list)")
        String name;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "set an option (repeatable), e.g. --set seeds=3")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--json", description = "print the results as one JSON object instead of the report")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Experiment e = Experiments.byName(name);
            Map<String, Object> options = Experiments.options(e, overrides);
            PrintWriter out = spec.commandLine().getOut();
            PrintStream report = json ? new PrintStream(OutputStream.nullOutputStream()) : new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
            ObjectNode result = e.run(options, report);
            report.flush();
            if (json) out.println(result);
            out.flush();
            return 0;
        }
    }

    /** Bytes (UTF-8) to the command's writer, so tests and the terminal see the same stream. */
    static final class WriterStream extends OutputStream {
        private final PrintWriter out;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter out) { this.out = out; }

        @Override
        public void write(int b) {
            pending.write(b);
            if (b == '\n') flush();
        }

        @Override
        public void flush() {
            out.print(pending.toString(StandardCharsets.UTF_8));
            out.flush();
            pending.reset();
        }
    }
}
