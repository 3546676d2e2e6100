package dev.descent.bench.run;

import dev.descent.bench.store.EvalRow;
import dev.descent.bench.store.RunRow;
import dev.descent.bench.store.StepRow;
import java.util.List;

/** What one run produced: its {@code runs} row and its {@code steps} and {@code evals} rows. */
public record RunResult(RunSpec spec, RunRow row, List<StepRow> steps, List<EvalRow> evals) {
    /** A finite value, or null. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public String status() { return row.status(); }
}
