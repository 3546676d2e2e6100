package dev.descent.cli;

import dev.descent.train.Sampler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent sample}: generate text from a trained run. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a trained run's checkpoint.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run folder")
    Path run;

    @Option(names = "--prompt", defaultValue = "\n", description = "text to continue")
    String prompt;

    @Option(names = "--tokens", defaultValue = "300", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "softmax temperature (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "200", description = "sample among the k most likely (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--seed", defaultValue = "1", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (tokens < 0) throw new IllegalArgumentException("--tokens must be >= 0, got " + tokens);
        if (!(temperature > 0)) throw new IllegalArgumentException("--temperature must be > 0, got " + temperature);
        Sampler s = Sampler.load(run);
        System.out.println(s.sample(prompt, tokens, temperature, topK, seed));
        return 0;
    }
}
