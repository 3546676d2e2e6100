package dev.descent.cli;

import dev.descent.tensor.VectorSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/descent}: the command-line entry point. */
@Command(name = "descent", mixinStandardHelpOptions = true, version = "descent 0.1.0",
        description = "Train and adapt models with the optimizers of the research literature, on a plain JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, BenchCommand.class, OptimCommand.class, OptimizersCommand.class, ReportCommand.class,
                RunsCommand.class, ZoCommand.class, ExperimentCommand.class, PeftCommand.class, RlCommand.class, QuantizeCommand.class, MergeCommand.class, ContinualCommand.class, MergeGradientsCommand.class, DpCommand.class, FedCommand.class,
                CommandLine.HelpCommand.class})
public final class Descent implements Runnable {
    /** Exit code for bad input (config errors, missing files). */
    public static final int BAD_INPUT = 2;
    /** Exit code for a run stopped by a non-finite loss. */
    public static final int DIVERGED = 3;
    /** Exit code after an interrupt that saved a checkpoint (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        if (!VectorSupport.isPresent()) {
            System.err.println("descent: the JVM was started without --add-modules jdk.incubator.vector; use bin/descent");
            System.exit(BAD_INPUT);
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Descent());
        cl.setExecutionExceptionHandler(new Errors());
        // One line, like every other bad input; it names the full subcommand (e.g. "descent bench run").
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("descent: " + ex.getMessage() + " (see: " + c.getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        return cl;
    }
}
