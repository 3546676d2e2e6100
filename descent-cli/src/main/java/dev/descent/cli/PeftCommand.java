package dev.descent.cli;

import dev.descent.train.AdapterMerge;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent peft …}: work with the adapters of LoRA runs. */
@Command(name = "peft", mixinStandardHelpOptions = true, description = "Work with the adapters of LoRA runs (docs/peft.md).",
        subcommands = {PeftCommand.Merge.class})
final class PeftCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code descent peft merge --run DIR --out DIR}. */
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Write the merged full model (base + adapter) of a LoRA run as a new run folder.")
    static final class Merge implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "the LoRA run folder")
        Path run;

        @Option(names = "--out", required = true, description = "a fresh folder for the merged model")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path ckpt = AdapterMerge.merge(run, out);
            System.out.println("merged model written to " + ckpt);
            return 0;
        }
    }
}
