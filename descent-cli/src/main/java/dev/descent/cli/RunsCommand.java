package dev.descent.cli;

import dev.descent.bench.store.Comparison;
import dev.descent.bench.store.EvalRow;
import dev.descent.bench.store.RunRow;
import dev.descent.bench.store.RunStore;
import dev.descent.bench.store.StepRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code descent runs …}: read a benchmark run store. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Read the runs stored by bench run.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class})
final class RunsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The store to read: --db, or the most recently written bench-results/x/runs.db (a mixin of the subcommands). */
    static final class DbOption {
        @Option(names = "--db", paramLabel = "FILE", description = "the run store (default: the most recently written bench-results/*/runs.db)")
        Path db;

        RunStore open() throws IOException {
            Path p = db != null ? db : latest();
            return RunStore.openForReading(p);
        }

        private static Path latest() throws IOException {
            Path root = Path.of("bench-results");
            if (!Files.isDirectory(root)) throw new IllegalArgumentException("no run store under bench-results/; pass --db FILE");
            try (Stream<Path> dirs = Files.list(root)) {
                return dirs.map(d -> d.resolve("runs.db")).filter(Files::isRegularFile)
                        .max(Comparator.comparing(p -> p.toFile().lastModified()))
                        .orElseThrow(() -> new IllegalArgumentException("no run store under bench-results/; pass --db FILE"));
            }
        }
    }

    /** A subcommand that reads the store given by {@link DbOption} and prints to the command's out writer. */
    abstract static class StoreReader implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        DbOption db;

        /** Prints what the subcommand shows of {@code store}; IllegalArgumentException for a bad filter or id. */
        abstract void print(RunStore store, PrintWriter out) throws IOException;

        @Override
        public final Integer call() throws IOException {
            try (RunStore store = db.open()) {
                PrintWriter out = spec.commandLine().getOut();
                print(store, out);
                out.flush();
                return 0;
            }
        }
    }

    static List<RunRow> nonEmpty(RunStore store, List<RunRow> rows, String what) {
        if (rows.isEmpty()) throw new IllegalArgumentException(store.path() + " holds no runs" + what);
        return rows;
    }

    static String filters(String problem, String optimizer) {
        StringBuilder b = new StringBuilder();
        if (problem != null) b.append(" for problem '").append(problem).append("'");
        if (optimizer != null) b.append(problem != null ? " and" : " for").append(" optimizer '").append(optimizer).append("'");
        return b.toString();
    }

    /** The first {@code n} characters of a run id (all of a shorter one, as a hand-made store may hold). */
    static String prefix(String runId, int n) {
        return runId.length() > n ? runId.substring(0, n) : runId;
    }

    static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String hyper(String json) {
        return json.equals("{}") ? "defaults" : json.replace("\"", "");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per stored run.")
    static final class ListRuns extends StoreReader {
        @Option(names = "--problem", paramLabel = "P", description = "only runs of this problem (a name from `bin/descent runs list`)")
        String problem;

        @Option(names = "--optimizer", paramLabel = "O", description = "only runs of this optimizer (a name from `bin/descent optimizers`)")
        String optimizer;

        @Override
        void print(RunStore store, PrintWriter out) throws IOException {
            List<RunRow> rows = nonEmpty(store, store.runs(problem, optimizer), filters(problem, optimizer));
            String fmt = "%-10s  %-22s  %-18s  %-28s  %5s  %-8s  %-18s  %9s%n";
            out.printf(fmt, "run", "problem", "optimizer", "hyper", "seed", "status", "final metric", "time (s)");
            for (RunRow r : rows) {
                out.printf(Locale.ROOT, fmt, prefix(r.runId(), 10), r.problem(), r.optimizer(), hyper(r.hyperJson()), r.seed(), r.status(),
                        r.metricName() + " " + num(r.finalMetric()), String.format(Locale.ROOT, "%.2f", r.wallSeconds()));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One run: its config, environment, summary and a few steps.")
    static final class Show extends StoreReader {
        @Parameters(paramLabel = "RUN_ID_PREFIX", description = "the run id or a unique prefix of it")
        String prefix;

        @Override
        void print(RunStore store, PrintWriter out) throws IOException {
            List<RunRow> rows = store.runsWithPrefix(prefix);
            if (rows.isEmpty()) throw new IllegalArgumentException("no run in " + store.path() + " has an id starting with '" + prefix + "'");
            if (rows.size() > 1) {
                StringBuilder b = new StringBuilder();
                for (RunRow r : rows.subList(0, Math.min(5, rows.size()))) b.append(b.length() == 0 ? "" : ", ").append(prefix(r.runId(), 16));
                throw new IllegalArgumentException("run id prefix '" + prefix + "' matches " + rows.size() + " runs (" + b
                        + (rows.size() > 5 ? ", …" : "") + "); give more characters");
            }
            RunRow r = rows.get(0);
            out.println("run " + r.runId());
            out.println("config  " + r.configJson());
            out.println("env     " + r.envJson());
            out.printf(Locale.ROOT, "status  %s%s%n", r.status(), r.error() == null ? "" : " (" + r.error() + ")");
            out.printf(Locale.ROOT, "time    %s .. %s: %.3f s training, %s s/step, %s %s/s%n", r.startedAt(), r.finishedAt(), r.wallSeconds(),
                    num(r.secondsPerStep()), num(r.throughput()), r.throughputUnit());
            out.printf(Locale.ROOT, "summary %d parameters, %d/%d steps, final loss %s, %s final %s best %s (%s is better), "
                            + "loss target %s reached at step %s, saved optimizer state %.2f bytes/param (measured)%n",
                    r.params(), r.stepsDone(), r.steps(), num(r.finalLoss()), r.metricName(), num(r.finalMetric()), num(r.bestMetric()),
                    r.higherIsBetter() ? "higher" : "lower", num(r.lossTarget()), r.stepsToTarget() == null ? "never" : r.stepsToTarget(),
                    r.stateBytesPerParam());
            out.println("evals");
            for (EvalRow e : store.evals(r.runId())) out.printf(Locale.ROOT, "  step %6d  %-16s %s%n", e.step(), e.name(), num(e.value()));
            List<StepRow> steps = store.steps(r.runId(), -1);
            out.println("steps (" + steps.size() + " stored, " + r.steps() + " asked; first and last five)");
            for (int i = 0; i < steps.size(); i++) {
                if (i >= 5 && i < steps.size() - 5) continue;
                StepRow s = steps.get(i);
                out.printf(Locale.ROOT, "  step %6d  loss %-12s lr %-10s %.4f s%n", s.step(), num(s.loss()), num(s.lr()), s.wallSeconds());
            }
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Per problem and optimizer setting: final metric mean +- std over seeds, steps to the loss target, "
                    + "saved optimizer state bytes per parameter (the checkpointed state tensors at the run's settings, measured; "
                    + "`bin/descent optimizers` lists each optimizer's working memory) and time per step; best first.")
    static final class Compare extends StoreReader {
        @Option(names = "--problem", paramLabel = "P", description = "only this problem (default: every stored problem)")
        String problem;

        @Override
        void print(RunStore store, PrintWriter out) throws IOException {
            List<Comparison.Group> groups = Comparison.of(nonEmpty(store, store.runs(problem, null), filters(problem, null)));
            String fmt = "  %-18s  %-28s  %-7s  %-22s  %-16s  %8s  %10s%n";
            String current = null;
            for (Comparison.Group g : groups) {
                if (!g.problem().equals(current)) {
                    current = g.problem();
                    out.printf("%s%s — %s (%s is better)%n", current.equals(groups.get(0).problem()) ? "" : "\n", current, g.metricName(),
                            g.higherIsBetter() ? "higher" : "lower");
                    out.printf(fmt, "optimizer", "hyper", "runs", g.metricName() + " mean ± std", "steps to target", "B/param", "ms/step");
                }
                String runs = g.finished() + "/" + g.runs() + (g.bad() > 0 ? (g.diverged() > 0 ? " " + g.diverged() + "d" : "") + (g.failed() > 0 ? " " + g.failed() + "f" : "") : "");
                String metric = num(g.mean()) + (g.std() == null ? "" : " ± " + num(g.std()));
                String target = g.reachedTarget() == 0 ? "never" : String.format(Locale.ROOT, "%d/%d, %.0f", g.reachedTarget(), g.runs(), g.meanStepsToTarget());
                out.printf(Locale.ROOT, fmt, g.optimizer(), hyper(g.hyperJson()), runs, metric, target,
                        String.format(Locale.ROOT, "%.2f", g.stateBytesPerParam()),
                        g.secondsPerStep() == null ? "-" : String.format(Locale.ROOT, "%.4f", 1000 * g.secondsPerStep()));
            }
        }
    }
}
