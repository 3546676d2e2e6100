package dev.descent.bench.federated;

import dev.descent.bench.report.Stats;
import dev.descent.data.ClassificationData;
import dev.descent.federated.FederatedSimulation;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.Optimizers;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.privacy.DpSgdObjective;
import dev.descent.privacy.RdpAccountant;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * DP-SGD accuracy against ε on digits (MLP 64-32-10, optdigits 3823 train / 1797 test): for each
 * target ε the noise multiplier is the accountant's ({@link RdpAccountant#noiseMultiplier}, Opacus's
 * get_noise_multiplier) for the sample rate q = batch/N, the number of steps and δ; then DP-SGD
 * (Poisson batches, per-example clipping to C, noise σC, plain SGD) and the test accuracy,
 * mean ± sd over seeds. The last row clips without noise (σ = 0, ε = ∞) with the same steps.
 */
public final class DpDigitsBench {
    private DpDigitsBench() {}

    public static void run(double[] epsilons, double delta, int batch, int epochs, double lr, double clip, int seeds, PrintStream out) {
        ClassificationData[] digits = FederatedSimulation.load("digits");
        int n = digits[0].rows();
        double q = (double) batch / n;
        long steps = Math.round(epochs / q);
        out.printf(Locale.ROOT, "# DP-SGD on digits: accuracy against ε (q = %d/%d = %.4f, %d steps = %d epochs, δ = %s, C = %s, SGD lr %s, %d seeds)%n%n",
                batch, n, q, steps, epochs, delta, clip, lr, seeds);
        out.println("| target ε | noise multiplier σ | ε spent (accountant) | test accuracy | seconds per run |");
        out.println("|---|---|---|---|---|");
        for (int e = 0; e <= epsilons.length; e++) {
            boolean noiseless = e == epsilons.length;
            double sigma = noiseless ? 0 : RdpAccountant.noiseMultiplier(epsilons[e], delta, q, steps, 0.01);
            double spent = noiseless ? Double.POSITIVE_INFINITY : RdpAccountant.epsilon(q, sigma, steps, delta).epsilon();
            double[] acc = new double[seeds];
            double[] secs = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                long t0 = System.nanoTime();
                acc[s] = train(digits[0], digits[1], q, sigma, clip, lr, steps, s);
                secs[s] = (System.nanoTime() - t0) * 1e-9;
            }
            Stats a = Stats.of(acc);
            out.printf(Locale.ROOT, "| %s | %s | %s | %.3f ± %.3f | %.1f |%n", noiseless ? "∞ (clip only)" : String.valueOf(epsilons[e]),
                    noiseless ? "0" : String.format(Locale.ROOT, "%.4f", sigma), noiseless ? "∞" : String.format(Locale.ROOT, "%.3f", spent),
                    a.mean(), a.std(), Stats.of(secs).mean());
            out.flush();
        }
        out.println();
    }

    static double train(ClassificationData train, ClassificationData test, double q, double sigma, double clip, double lr, long steps, long seed) {
        var model = new MlpClassifier(seed, train.cols(), 32, train.classes());
        var rows = new ClassifierRowLoss(model, train);
        var objective = new DpSgdObjective(rows, q, sigma, clip, seed);
        var sgd = Optimizers.sgd().lr(lr).build(model.parameters());
        try {
            new TrainingLoop(sgd, objective, rows.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE).run(0, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows.accuracy(test);
    }
}
