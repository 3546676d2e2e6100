package dev.descent.bench.run;

/**
 * Progress of a benchmark: called from the worker threads (implementations synchronize).
 * {@code worker} is 0..jobs-1.
 */
public interface RunListener {
    /** Before the first run: {@code total} runs to do, {@code skipped} already stored ({@code --resume}), {@code totalSteps} to do. */
    default void onStart(int total, int skipped, long totalSteps) {}

    default void onRunStart(int worker, RunSpec spec) {}

    /** After each step (implementations throttle their output). */
    default void onStep(int worker, RunSpec spec, int step, double loss) {}

    /** After a run is stored; {@code done} of {@code total} runs are stored now. */
    default void onRunEnd(int worker, RunResult result, int done, int total) {}

    RunListener NONE = new RunListener() {};
}
