package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Philox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The study of BENCHMARKS.md §10.1 (not a test; runs only with {@code -Dquzo.study=true}): MeZO in
 * float32, MeZO on a quantized model with round-to-nearest forwards, QuZO at int8 and int4 (update on
 * the codes, as the paper, and on a float32 master copy), fine-tuning
 * a small MLP classifier (16 → 32 tanh → 4, 676 parameters) from a perturbed copy of the teacher that
 * labels the data. Full-batch cross-entropy on 256 training examples; test accuracy on 256 others.
 * Each method: a sweep of lr ∈ {3e-4, 1e-3, 3e-3, 1e-2, 3e-2} × μ ∈ {1e-3, 1e-2, 1e-1} on seed 1, then the best pair (by final training loss) on seeds
 * 2, 3, 4; mean ± sd over those seeds. Output to {@code -Dquzo.study.out} (default /tmp/quzo-study.txt).
 *
 * <pre>
 *   mvn -B -ntp -o test -pl descent-core -Dtest=QuzoStudyTest -Dquzo.study=true -Dquzo.study.steps=1000
 * </pre>
 */
@EnabledIfSystemProperty(named = "quzo.study", matches = "true")
class QuzoStudyTest {
    static final int IN = 16, HID = 32, OUT = 4, N = 256;
    static final int W1 = 0, B1 = IN * HID, W2 = B1 + HID, B2 = W2 + HID * OUT, SIZE = B2 + OUT;

    /** Inputs and labels of one split, from the teacher. */
    record Data(float[] x, int[] y) {}

    static float[] teacher() {
        Philox p = Philox.stream(100, "study/teacher");
        float[] t = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            double scale = i < B1 ? 1 / Math.sqrt(IN) : i < W2 ? 0.1 : i < B2 ? 1 / Math.sqrt(HID) : 0.1;
            t[i] = (float) (p.gaussian(i) * scale * 2);
        }
        return t;
    }

    static Data data(String split, float[] teacher) {
        Philox p = Philox.stream(100, "study/x/" + split);
        float[] x = new float[N * IN];
        for (int i = 0; i < x.length; i++) x[i] = p.gaussian(i);
        int[] y = new int[N];
        double[] logits = new double[OUT];
        for (int n = 0; n < N; n++) {
            forward(teacher, x, n, logits);
            int best = 0;
            for (int k = 1; k < OUT; k++) if (logits[k] > logits[best]) best = k;
            y[n] = best;
        }
        return new Data(x, y);
    }

    static void forward(float[] v, float[] x, int n, double[] logits) {
        double[] h = new double[HID];
        for (int j = 0; j < HID; j++) {
            double a = v[B1 + j];
            for (int i = 0; i < IN; i++) a += x[n * IN + i] * v[W1 + i * HID + j];
            h[j] = Math.tanh(a);
        }
        for (int k = 0; k < OUT; k++) {
            double a = v[B2 + k];
            for (int j = 0; j < HID; j++) a += h[j] * v[W2 + j * OUT + k];
            logits[k] = a;
        }
    }

    /** Mean cross-entropy and accuracy of {@code v} on {@code d}. */
    static double[] evaluate(float[] v, Data d) {
        double loss = 0;
        int right = 0;
        double[] logits = new double[OUT];
        for (int n = 0; n < N; n++) {
            forward(v, d.x, n, logits);
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int k = 0; k < OUT; k++) if (logits[k] > max) { max = logits[k]; best = k; }
            double z = 0;
            for (int k = 0; k < OUT; k++) z += Math.exp(logits[k] - max);
            loss += Math.log(z) + max - logits[d.y[n]];
            if (best == d.y[n]) right++;
        }
        return new double[] {loss / N, right / (double) N};
    }

    static float[] start(float[] teacher) {
        Philox p = Philox.stream(200, "study/start");
        float[] v = teacher.clone();
        for (int i = 0; i < SIZE; i++) v[i] += (float) (p.gaussian(i) * 0.8 * Math.abs(teacher[i]) + p.gaussian(SIZE + i) * 0.05);
        return v;
    }

    static ParamSet set(float[] v) {
        return ParamSet.of(v, List.of("w1", "bias1", "w2", "bias2"),
                List.of(new int[] {IN, HID}, new int[] {HID}, new int[] {HID, OUT}, new int[] {OUT}));
    }

    /** method: mezo, mezo-rtn8, mezo-rtn4, quzo8, quzo4, quzo8-master, quzo4-master (update on a float32 master copy). */
    static Optimizer make(String method, float[] v, Objective f, double lr, double mu, long seed) {
        return switch (method) {
            case "mezo" -> new Mezo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN);
            case "mezo-rtn8" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.NEAREST);
            case "mezo-rtn4" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 4, Quzo.Rounding.NEAREST);
            case "quzo8" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC);
            case "quzo4" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 4, Quzo.Rounding.STOCHASTIC);
            case "quzo8-master" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC, true);
            case "quzo4-master" -> new Quzo(set(v), f, lr, mu, 0, 1, seed, DirectionKind.GAUSSIAN, 4, Quzo.Rounding.STOCHASTIC, true);
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** Final {train loss, train acc, test loss, test acc} of one run. */
    static double[] run(String method, double lr, double mu, long seed, int steps, Data train, Data test, float[] teacher) {
        float[] v = start(teacher);
        Objective f = () -> evaluate(v, train)[0];
        Optimizer opt = make(method, v, f, lr, mu, seed);
        for (int t = 0; t < steps; t++) opt.step();
        double[] tr = evaluate(v, train), te = evaluate(v, test);
        return new double[] {tr[0], tr[1], te[0], te[1]};
    }

    @Test
    void study() throws IOException {
        int steps = Integer.getInteger("quzo.study.steps", 1000);
        Path out = Path.of(System.getProperty("quzo.study.out", "/tmp/quzo-study.txt"));
        float[] teacher = teacher();
        Data train = data("train", teacher), test = data("test", teacher);
        List<String> lines = new ArrayList<>();
        float[] s0 = start(teacher);
        double[] e0 = evaluate(s0, train), t0 = evaluate(s0, test);
        lines.add(String.format(Locale.ROOT, "start fp32: train loss %.4f acc %.3f, test loss %.4f acc %.3f", e0[0], e0[1], t0[0], t0[1]));
        for (int bits : new int[] {8, 4}) {
            float[] q = start(teacher);
            new Quzo(set(q), () -> 0, 0, 1e-3, 0, 1, 0, DirectionKind.GAUSSIAN, bits, Quzo.Rounding.NEAREST); // quantizes q in place
            double[] e = evaluate(q, train), t = evaluate(q, test);
            lines.add(String.format(Locale.ROOT, "start int%d (round to nearest): train loss %.4f acc %.3f, test loss %.4f acc %.3f", bits, e[0], e[1], t[0], t[1]));
        }
        double[] lrs = {3e-4, 1e-3, 3e-3, 1e-2, 3e-2};
        double[] mus = {1e-3, 1e-2, 1e-1};
        for (String method : System.getProperty("quzo.study.methods", "mezo,mezo-rtn8,mezo-rtn4,quzo8,quzo4,quzo8-master,quzo4-master").split(",")) {
            double bestLoss = Double.POSITIVE_INFINITY, bestLr = 0, bestMu = 0;
            for (double lr : lrs) {
                for (double mu : mus) {
                    double[] r = run(method, lr, mu, 1, steps, train, test, teacher);
                    lines.add(String.format(Locale.ROOT, "sweep %s lr %.0e mu %.0e seed 1: train loss %.4f", method, lr, mu, r[0]));
                    if (r[0] < bestLoss) { bestLoss = r[0]; bestLr = lr; bestMu = mu; }
                }
            }
            double[][] finals = new double[3][];
            for (int s = 0; s < 3; s++) finals[s] = run(method, bestLr, bestMu, 2 + s, steps, train, test, teacher);
            String[] names = {"train loss", "train acc", "test loss", "test acc"};
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "final %s lr %.0e mu %.0e seeds 2-4:", method, bestLr, bestMu));
            for (int k = 0; k < 4; k++) {
                double mean = 0, sq = 0;
                for (double[] f : finals) mean += f[k] / 3;
                for (double[] f : finals) sq += (f[k] - mean) * (f[k] - mean);
                sb.append(String.format(Locale.ROOT, " %s %.4f ± %.4f;", names[k], mean, Math.sqrt(sq / 2)));
            }
            lines.add(sb.toString());
            System.out.println(sb);
        }
        Files.write(out, lines);
    }
}
