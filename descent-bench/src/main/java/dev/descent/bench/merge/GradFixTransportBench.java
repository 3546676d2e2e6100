package dev.descent.bench.merge;

import dev.descent.io.Safetensors;
import dev.descent.merge.GradientSigns;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GradFix's claim on small experts: a task vector learnt on base A, {@code τ = θ_expert − θ_A}, moved to a
 * base B trained the same way from another seed's initial weights, by GradFix (τ masked by the signs of
 * B's gradients on a few training examples of the task, {@code merge_method: gradfix}) against adding it
 * unmasked ({@code θ_B + α τ}, a {@code linear} merge with weights 1, α, −α of B, the expert and A). The
 * scale α is chosen for each arm, task and seed on the task's validation split from {0.25, 0.5, 1, 2}; test
 * accuracy is reported with B alone and the source expert on A. Also: the fraction of τ's entries the mask
 * keeps. Files under {@code out/FAMILY/seed-S/}: {@code base-a}, {@code base-b}, {@code expert-K},
 * {@code grads-K} (.safetensors) and the chosen {@code gradfix-K.yaml} / {@code unmasked-K.yaml}.
 */
public final class GradFixTransportBench {
    private GradFixTransportBench() {}

    static final String[] ALPHAS = {"0.25", "0.5", "1.0", "2.0"};

    public record Options(String families, int seeds, int gptBaseSteps, int gptExpertSteps, int mlpBaseSteps, int mlpExpertSteps,
                          int trainExamples, int examples, String vote, Path out) {}

    public static void run(Options o, PrintStream out) throws IOException {
        GradientSigns.Vote vote = GradientSigns.Vote.parse(o.vote());
        for (String f : o.families().split(",")) {
            if (!f.strip().equals("gpt") && !f.strip().equals("mlp")) throw new IllegalArgumentException("families: unknown family '" + f.strip() + "'; valid: gpt, mlp");
        }
        for (String f : o.families().split(",")) {
            ExpertFamily family = switch (f.strip()) {
                case "gpt" -> new GptFamily(o.trainExamples(), 0);
                case "mlp" -> new MlpFamily(0);
                default -> throw new IllegalArgumentException("families: unknown family '" + f + "'; valid: gpt, mlp");
            };
            boolean gpt = family instanceof GptFamily;
            runFamily(family, o.seeds(), gpt ? o.gptBaseSteps() : o.mlpBaseSteps(), gpt ? o.gptExpertSteps() : o.mlpExpertSteps(), o.examples(), vote,
                    o.out().resolve(family.name()), out);
        }
    }

    static void runFamily(ExpertFamily family, int seeds, int baseSteps, int expertSteps, int examples, GradientSigns.Vote vote, Path dir,
                          PrintStream out) throws IOException {
        int tasks = family.tasks().size();
        String[] arms = {"B alone", "B + α·τ (unmasked)", "B + α·GradFix(τ)", "source expert (on A)"};
        double[][][] acc = new double[arms.length][seeds][tasks];
        double[] kept = new double[seeds];
        List<String> chosen = new ArrayList<>();
        out.printf(Locale.ROOT, "%n### %s: transport from base A to base B (another seed), %d tasks, %d gradient examples (vote %s), %d seeds%n%n",
                family.name(), tasks, examples, vote.name().toLowerCase(Locale.ROOT), seeds);
        for (int s = 1; s <= seeds; s++) {
            long t0 = System.nanoTime();
            Path sd = dir.resolve("seed-" + s);
            Files.createDirectories(sd);
            Map<String, Tensor> a = family.train(family.init(s), -1, baseSteps, s);
            Map<String, Tensor> b = family.train(family.init(s + 500), -1, baseSteps, s + 500);
            Safetensors.write(sd.resolve("base-a.safetensors"), a);
            Safetensors.write(sd.resolve("base-b.safetensors"), b);
            StringBuilder picks = new StringBuilder();
            for (int k = 0; k < tasks; k++) {
                Map<String, Tensor> expert = family.train(a, k, expertSteps, s * 1000L + k + 1);
                Safetensors.write(sd.resolve("expert-" + k + ".safetensors"), expert);
                Map<String, Tensor> g = family.gradients(b, k, examples, vote);
                GradientSigns.write(sd.resolve("grads-" + k + ".safetensors"), g, vote, examples);
                kept[s - 1] += keptFraction(expert, a, g) / tasks;
                acc[0][s - 1][k] = family.accuracy(b, k, ExpertFamily.Split.TEST);
                acc[3][s - 1][k] = family.accuracy(expert, k, ExpertFamily.Split.TEST);
                String[] kinds = {"unmasked", "gradfix"};
                for (int arm = 0; arm < 2; arm++) {
                    double best = Double.NEGATIVE_INFINITY;
                    String bestYaml = null, bestAlpha = null;
                    for (String alpha : ALPHAS) {
                        String yaml = arm == 0
                                ? "merge_method: linear\nmodels:\n  - model: base-b.safetensors\n    parameters: {weight: 1.0}\n  - model: expert-" + k
                                  + ".safetensors\n    parameters: {weight: " + alpha + "}\n  - model: base-a.safetensors\n    parameters: {weight: -" + alpha
                                  + "}\nparameters: {normalize: false}\n"
                                : "merge_method: gradfix\nbase_model: base-b.safetensors\nsource_model: base-a.safetensors\ngradients: grads-" + k
                                  + ".safetensors\nmodels:\n  - model: expert-" + k + ".safetensors\n    parameters: {weight: " + alpha + "}\n";
                        double v = family.accuracy(MergeExpertsBench.merge(yaml, sd, kinds[arm]), k, ExpertFamily.Split.VALIDATION);
                        if (v > best) {
                            best = v;
                            bestYaml = yaml;
                            bestAlpha = alpha;
                        }
                    }
                    Files.writeString(sd.resolve(kinds[arm] + "-" + k + ".yaml"), bestYaml);
                    acc[1 + arm][s - 1][k] = family.accuracy(MergeExpertsBench.merge(bestYaml, sd, kinds[arm]), k, ExpertFamily.Split.TEST);
                    picks.append(k == 0 && arm == 0 ? "" : ", ").append(kinds[arm]).append('[').append(k).append("] α=").append(bestAlpha);
                }
            }
            chosen.add(picks.toString());
            out.printf(Locale.ROOT, "seed %d (%.0f s): chosen %s%n", s, (System.nanoTime() - t0) / 1e9, picks);
        }
        out.printf(Locale.ROOT, "%n| arm | mean test accuracy over tasks (mean ± sd over seeds) | per task (%s) |%n|---|---|---|%n", String.join(", ", family.tasks()));
        for (int arm = 0; arm < arms.length; arm++) {
            double[] m = new double[seeds];
            for (int s = 0; s < seeds; s++) for (int k = 0; k < tasks; k++) m[s] += acc[arm][s][k] / tasks;
            out.printf(Locale.ROOT, "| %s | %s | %s |%n", arms[arm], MergeExpertsBench.meanSd(m), MergeExpertsBench.fmt(MergeExpertsBench.meanRows(acc[arm])));
        }
        out.printf(Locale.ROOT, "%nThe mask keeps %s of τ's entries (mean over tasks; mean ± sd over seeds).%n", MergeExpertsBench.meanSd(kept));
    }

    /** The fraction of τ = expert − a's entries whose sign is the descent sign −sign(g) (the entries GradFix keeps, zeros of τ aside). */
    static double keptFraction(Map<String, Tensor> expert, Map<String, Tensor> a, Map<String, Tensor> g) {
        long keptN = 0, total = 0;
        for (var e : g.entrySet()) {
            float[] x = expert.get(e.getKey()).toArray(), y = a.get(e.getKey()).toArray(), gv = e.getValue().toArray();
            for (int j = 0; j < gv.length; j++) {
                float d = x[j] - y[j];
                if (d != 0 && Math.signum(d) == -Math.signum(gv[j])) keptN++;
                if (d != 0) total++;
            }
        }
        return total == 0 ? 0 : keptN / (double) total;
    }
}
