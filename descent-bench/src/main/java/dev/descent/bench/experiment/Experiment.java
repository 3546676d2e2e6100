package dev.descent.bench.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.config.Schema;
import java.io.PrintStream;
import java.util.Map;

/**
 * A research experiment that does not fit the benchmark harness (a grid of problems × optimizers ×
 * seeds, {@code bench run}): a claim study with its own protocol, run by name from
 * {@code bin/descent experiment run NAME [--set key=value] [--json]}.
 *
 * <p>Its options are typed {@link dev.descent.config.Field}s in a {@link Schema}, bound from
 * {@code key=value} overrides the way a training config is (an unknown key or a wrong value is refused
 * in one line). {@link #run} prints the experiment's human report (Markdown) to {@code out} and returns
 * its results as JSON; an experiment that writes files (JSON, Markdown, SVG) names them in the result.
 */
public interface Experiment {
    /** The name on the command line ({@code zovh-hessian}). */
    String name();

    /** One line: what the experiment measures and which claim it checks. */
    String description();

    /** The options and their defaults. */
    Schema options();

    /**
     * Runs with {@code options} (every key of {@link #options()}, typed: Integer, Double, Boolean,
     * String), printing the report to {@code out}; returns the results.
     */
    ObjectNode run(Map<String, Object> options, PrintStream out) throws Exception;
}
