package dev.descent.cli;

import dev.descent.bench.GemmBenchmark;
import dev.descent.bench.GenerateBenchmark;
import dev.descent.bench.ZoMemoryBenchmark;
import dev.descent.bench.jmh.OptimBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent bench …}: benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Optim.class, BenchCommand.Memory.class, BenchCommand.Generate.class, BenchCommand.RlStep.class, BenchRunCommand.class})
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

    @Command(name = "optim", mixinStandardHelpOptions = true,
            description = "JMH: AdamW, Lion and SGD-momentum steps over 16,777,216 float32 parameters beside copy "
                    + "and triad bandwidth, 1 and 2 threads; prints ms/step, GB/s, %% of copy bandwidth and state bytes "
                    + "per parameter. Quick by default (about 2 minutes); the DJL peer runs from the descent-bench-peers "
                    + "module (see BENCHMARKS.md).")
    static final class Optim implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON line instead of a table (JMH progress still goes to stderr)")
        boolean json;

        @Option(names = "--full", description = "more and longer iterations (10 x 2 s measured, 4 x 2 s warm-up)")
        boolean full;

        @Override
        public Integer call() {
            return OptimBench.run(full, json, System.out, null);
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Peak live heap of MeZO and ZO-Adam vs inference vs AdamW on the Shakespeare GPT (forced full GCs sample the live set).")
    static final class Memory implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON line instead of a table")
        boolean json;

        @Option(names = "--steps", defaultValue = "20", paramLabel = "N", description = "measured steps per mode (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--init-from", paramLabel = "RUN_DIR",
                description = "start every mode from this run's checkpoint weights, on the part of the training split it did not train on (fine-tuning)")
        java.nio.file.Path initFrom;

        @Override
        public Integer call() {
            return ZoMemoryBenchmark.run(steps, initFrom, json, System.out);
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "KV-cached generation vs recomputing the context per token (the old Gpt.generate) vs nanoGPT's "
                    + "generate in PyTorch: 16 prompts x 64 tokens + 256 new tokens on the 4-layer recipe model with "
                    + "block_size 320; tokens/s and the cost of a decode step at 16 vs 256 cached positions.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "interleaved rounds; medians are reported (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--nanogpt", paramLabel = "DIR", description = "a nanoGPT checkout whose model.py bench/generate_nanogpt.py imports (python3 with torch)")
        java.nio.file.Path nanoGpt;

        @Option(names = "--json", description = "one JSON line instead of a table")
        boolean json;

        @Override
        public Integer call() {
            return GenerateBenchmark.run(rounds, nanoGpt, json, System.out);
        }
    }

    @Command(name = "rl-step", mixinStandardHelpOptions = true,
            description = {"Where an online RL step's time goes on the 4-layer recipe model: a KV-cached decode step at 16 vs 256",
                    "cached positions, and one GRPO step of 8 prompts x 8 generations x 32 tokens split into sampling, scoring,",
                    "reference log-probs and the update (medians; the load average is printed)."})
    static final class RlStep implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5", paramLabel = "N", description = "rounds of the decode-step pair (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "GRPO steps for the JIT, not measured (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "measured GRPO steps (default: ${DEFAULT-VALUE}; 0: the decode step only)")
        int steps;

        @Override
        public Integer call() throws Exception {
            dev.descent.bench.rl.RlStepBench.run(rounds, warmup, steps, System.out);
            return 0;
        }
    }
}
