package dev.descent.bench.peers;

import dev.descent.bench.jmh.OptimBench;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs Descent's optimizer-step suite and DJL's AdamW step in one JMH invocation and prints the
 * table with the time ratio ours/DJL. Arguments: {@code --full}, {@code --json}.
 */
public final class PeersBench {
    private PeersBench() {}

    public static void main(String[] args) {
        List<String> a = Arrays.asList(args);
        OptimBench.Extra djl = new OptimBench.Extra(
                DjlAdamW.class.getName().replace(".", "\\.") + "\\.",
                Map.of("djlAdamwStep", 28),
                Map.of("djlAdamwStep", "DJL 0.36.0 ai.djl.training.optimizer.AdamW, PyTorch 2.7.1 CPU engine, one update per NDArray"),
                Map.of("djlAdamwStep", 8.0),
                "adamwStep", "djlAdamwStep");
        System.exit(OptimBench.run(a.contains("--full"), a.contains("--json"), System.out, djl));
    }
}
