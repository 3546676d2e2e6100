package dev.descent.cli;

import dev.descent.bench.GemmBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent bench …}: benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Gemm.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "Our GEMM against numpy/OpenBLAS (run in the same command when python3 + numpy exist).")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON line instead of a table")
        boolean json;

        @Override
        public Integer call() {
            return GemmBenchmark.run(json, System.out);
        }
    }
}
