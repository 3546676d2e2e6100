package dev.descent.cli;

import dev.descent.train.TrainConfig;
import dev.descent.train.Trainer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent demo}: a short, complete training run with a sample at the end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small character-level GPT on Tiny Shakespeare for about a minute, then sample from it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "run folder (default: ${DEFAULT-VALUE})", defaultValue = "runs/demo")
    String out;

    @Override
    public Integer call() throws Exception {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TrainConfig cfg = TrainConfig.defaults().merge(yaml, "demo.yaml").with(List.of("out_dir=" + out)).validate();
        System.out.println("Descent demo: training a " + cfg.getInt("n_layer") + "-layer character GPT on Tiny Shakespeare for "
                + cfg.getInt("max_iters") + " steps.");
        // The demo replaces an earlier demo in its folder: it is a one-shot, not a run to resume.
        Trainer.Result r = TrainCommand.run(cfg, null, true);
        System.out.printf("%nvalidation loss %.4f after %d steps (%.1f s of training, %,.0f tokens/s)%n",
                r.finalValLoss(), r.iters(), r.trainSeconds(), r.tokensPerSecond());
        System.out.println("sample:");
        System.out.println(r.sample());
        System.out.println();
        System.out.println("run folder: " + r.runDir().toAbsolutePath());
        System.out.println("sample more: bin/descent sample --run " + r.runDir() + " --prompt \"ROMEO:\"");
        return 0;
    }
}
