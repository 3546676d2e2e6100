package dev.descent.bench.federated;

import dev.descent.bench.report.Stats;
import dev.descent.data.ClassificationData;
import dev.descent.federated.ClientObjective;
import dev.descent.federated.FederatedSimulation;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.StaleGradients;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.tensor.Philox;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Adaptive Braking's claim (seed 001: "training with delays D ≥ 32 … with minimal drop in final test
 * accuracy") on the digits MLP 64-32-10: every optimizer trains on gradients delayed by D steps
 * ({@link StaleGradients}, fixed delay) for the same number of steps with batches of 32, and the test
 * accuracy is reported as mean ± sd over seeds. SGD with momentum and Adaptive Braking share the
 * learning rate and momentum (the paper applies AB on top of the baseline's settings); Adam runs at
 * its usual 1e-3.
 */
public final class DelayBench {
    private DelayBench() {}

    /** One optimizer arm: a registry name and its hyperparameters. */
    record Arm(String label, String optimizer, Map<String, String> hyper) {}

    public static void run(int[] delays, int steps, int seeds, double lr, PrintStream out) {
        ClassificationData[] digits = FederatedSimulation.load("digits");
        List<Arm> arms = List.of(
                new Arm("SGD momentum 0.9", "sgd", Map.of("lr", Double.toString(lr), "momentum", "0.9")),
                new Arm("Adaptive Braking (ρ = 1, momentum 0.9)", "adaptive_braking", Map.of("lr", Double.toString(lr), "momentum", "0.9", "rho", "1")),
                new Arm("Adam (lr 1e-3)", "adam", Map.of("lr", "1e-3")));
        out.printf(Locale.ROOT, "# Gradient delay on the digits MLP (%d steps of batch 32, lr %s, %d seeds): test accuracy%n%n", steps, lr, seeds);
        out.print("| optimizer |");
        for (int d : delays) out.printf(Locale.ROOT, " D = %d |", d);
        out.println();
        out.print("|---|");
        for (int i = 0; i < delays.length; i++) out.print("---|");
        out.println();
        for (Arm arm : arms) {
            StringBuilder row = new StringBuilder("| " + arm.label() + " |");
            for (int d : delays) {
                double[] acc = new double[seeds];
                for (int s = 0; s < seeds; s++) acc[s] = train(arm, digits[0], digits[1], d, steps, s);
                Stats st = Stats.of(acc);
                row.append(String.format(Locale.ROOT, " %.3f ± %.3f |", st.mean(), st.std()));
            }
            out.println(row);
            out.flush();
        }
        out.println();
    }

    static double train(Arm arm, ClassificationData train, ClassificationData test, int delay, int steps, long seed) {
        var model = new MlpClassifier(seed, train.cols(), 32, train.classes());
        var rows = new ClassifierRowLoss(model, train);
        var batches = new ClientObjective(rows, 32, Philox.stream(seed, "delay-bench/batches"), null, 0);
        var objective = new StaleGradients(batches, rows.grads(), delay, false, seed);
        Optimizer opt = OptimizerRegistry.defaults().create(arm.optimizer(), model.parameters(), new HyperParams(arm.hyper()));
        try {
            new TrainingLoop(opt, objective, rows.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE).run(0, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows.accuracy(test);
    }
}
