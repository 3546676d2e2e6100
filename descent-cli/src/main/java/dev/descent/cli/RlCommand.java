package dev.descent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code descent rl}: reinforcement learning from verifiable rewards; each tool is a subcommand. */
@Command(name = "rl", mixinStandardHelpOptions = true,
        description = "Reinforcement learning from verifiable rewards: policy losses and online training.",
        subcommands = {RlLossCommand.class})
final class RlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
