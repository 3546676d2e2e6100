package dev.descent.cli;

import dev.descent.privacy.RdpAccountant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent dp}: differential privacy of DP-SGD training. */
@Command(name = "dp", mixinStandardHelpOptions = true,
        description = "Differential privacy of DP-SGD: the RDP accountant of the sampled Gaussian mechanism (Opacus's).",
        subcommands = {DpCommand.EpsilonCommand.class})
final class DpCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code descent dp epsilon}: ε after N steps of the sampled Gaussian mechanism. */
    @Command(name = "epsilon", mixinStandardHelpOptions = true,
            description = {"epsilon of N DP-SGD steps (Poisson sampling at rate q, Gaussian noise sigma*C) at a given delta,",
                    "by Opacus's RDP accountant (default orders 1.1..10.9, 12..63; Balle et al. 2020 conversion)."})
    static final class EpsilonCommand implements Callable<Integer> {
        @Option(names = "--sample-rate", required = true, description = "q in (0, 1]: the probability that an example is in a step's batch")
        double sampleRate;

        @Option(names = "--noise-multiplier", required = true, description = "sigma > 0: noise standard deviation over the clipping norm")
        double noiseMultiplier;

        @Option(names = "--steps", required = true, description = "number of steps N >= 1")
        long steps;

        @Option(names = "--delta", required = true, description = "delta in (0, 1)")
        double delta;

        @Option(names = "--json", description = "one JSON line {\"epsilon\": …, \"order\": …, …}")
        boolean json;

        @Override
        public Integer call() {
            if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("--delta must be in (0, 1), got " + delta);
            if (!(sampleRate > 0 && sampleRate <= 1)) throw new IllegalArgumentException("--sample-rate must be in (0, 1], got " + sampleRate);
            if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) throw new IllegalArgumentException("--noise-multiplier must be > 0, got " + noiseMultiplier);
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            RdpAccountant.Epsilon e = RdpAccountant.epsilon(sampleRate, noiseMultiplier, steps, delta);
            if (json) {
                System.out.printf(Locale.ROOT, "{\"epsilon\": %s, \"order\": %s, \"delta\": %s, \"sample_rate\": %s, \"noise_multiplier\": %s, \"steps\": %d}%n",
                        e.epsilon(), e.order(), delta, sampleRate, noiseMultiplier, steps);
            } else {
                System.out.printf(Locale.ROOT, "epsilon = %.6g at delta = %s (optimal RDP order %s)%n", e.epsilon(), delta, e.order());
            }
            return 0;
        }
    }
}
