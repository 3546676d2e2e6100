package dev.descent.cli;

import dev.descent.bench.run.BenchEnvironment;
import dev.descent.bench.run.BenchRunner;
import dev.descent.bench.run.ConsoleProgress;
import dev.descent.bench.run.RunSpec;
import dev.descent.bench.run.SuiteConfig;
import dev.descent.bench.store.RunStore;
import dev.descent.optim.OptimizerRegistry;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent bench run}: a grid of problems × optimizers × hyperparameters × seeds into a SQLite run store. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a benchmark grid (problems x optimizers x hyperparameters x seeds) and store every run in "
                + "<out>/runs.db (SQLite). See docs/benchmarks.md.")
final class BenchRunCommand implements Callable<Integer> {
    @Option(names = "--suite", paramLabel = "NAME", description = "a shipped suite: quick, standard or full")
    String suite;

    @Option(names = "--config", paramLabel = "FILE", description = "a suite file in YAML (format: docs/benchmarks.md)")
    Path config;

    @Option(names = "--seeds", paramLabel = "K", description = "run seeds 0..K-1 instead of the suite's seeds")
    Integer seeds;

    @Option(names = "--resume", description = "continue the store in --out: skip runs stored as finished or diverged, run failed ones again")
    boolean resume;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: bench-results/<suite or config name>)")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the suite by its path, e.g. steps=100, "
            + "problems[0].eval_every=10, optimizers[1].hyper.lr=0.01 (repeatable)")
    List<String> overrides = new java.util.ArrayList<>();

    @Option(names = "--jobs", paramLabel = "N", description = "runs in parallel (default: the number of processors); "
            + "kernel threads per run = max(1, processors / N)")
    Integer jobs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if ((suite == null) == (config == null)) throw new IllegalArgumentException("give exactly one of --suite NAME or --config FILE");
        OptimizerRegistry registry = OptimizerRegistry.defaults();
        SuiteConfig cfg = suite != null ? SuiteConfig.suite(suite, registry, overrides) : SuiteConfig.load(config, registry, overrides);
        List<RunSpec> specs = cfg.expand(seeds);
        int n = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        BenchRunner runner = new BenchRunner(registry, n);
        runner.validate(specs);

        // Normalised, so that a/../b does not first create a (the suite name cannot escape: SuiteConfig refuses dots-only names).
        Path dir = (out != null ? out : Path.of("bench-results", cfg.name())).normalize();
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new IllegalArgumentException("cannot create output folder " + dir + ": " + reason(e, dir));
        }
        Path db = dir.resolve("runs.db");
        try (RunStore store = RunStore.openForWriting(db, BenchEnvironment.descentVersion())) {
            ConsoleProgress progress = new ConsoleProgress(console, ConsoleProgress.stdoutIsTerminal(), n);
            Thread hook = new Thread(() -> {
                runner.stop();
                console.println("interrupted: the runs stored so far are in " + db + "; continue with --resume");
                console.flush();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            BenchRunner.Outcome o;
            long t0 = System.nanoTime();
            try {
                o = runner.run(specs, cfg.name(), store, resume, progress);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is already running
                }
            }
            console.printf(java.util.Locale.ROOT, "%s: %d run%s in %.1f s: %d finished, %d diverged, %d failed%s; results in %s%n", cfg.name(),
                    o.total(), o.total() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9, o.finished(), o.diverged(), o.failed(),
                    o.skipped() > 0 ? " (" + o.skipped() + " skipped, already stored)" : "", db);
            console.println("compare: bin/descent runs compare --db " + db);
            console.flush();
            if (o.failed() > 0) {
                spec.commandLine().getErr().println("descent: " + o.failed() + " run" + (o.failed() == 1 ? "" : "s") + " failed with an exception; see: bin/descent runs list --db " + db);
                return 1;
            }
            return 0;
        }
    }

    /**
     * Why creating {@code dir} failed, for a person: the JDK leaves the reason null for the errors it
     * has a class for (a missing parent, an existing file, no permission), so those are named here;
     * the path that failed is added when it is not {@code dir} itself (a parent on the way).
     */
    static String reason(FileSystemException e, Path dir) {
        Path failed = (e.getFile() != null ? Path.of(e.getFile()) : dir).toAbsolutePath();
        String why;
        if (e instanceof AccessDeniedException) why = "permission denied";
        else if (e instanceof FileAlreadyExistsException) why = "a file of that name exists and is not a folder";
        else if (e instanceof NoSuchFileException) {
            Path parent = failed.getParent();
            why = parent != null && Files.isDirectory(parent)
                    ? "the file system at " + parent + " does not allow new folders"
                    : "no such file or directory";
        } else why = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        return failed.equals(dir.toAbsolutePath()) ? why : why + " (at " + e.getFile() + ")";
    }
}
