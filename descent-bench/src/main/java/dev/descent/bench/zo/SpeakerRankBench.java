package dev.descent.bench.zo;

import dev.descent.nn.Gpt;
import dev.descent.optim.Optimizer;
import dev.descent.tasks.LabelWordClassifier;
import dev.descent.tasks.SftObjective;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * AR1-ZO's claim 1b: task accuracy against the LoRA rank r at an equal forward-pass budget, for (i) MeZO over
 * all adapter coordinates (s = α/r), (ii) one rank-1 atom per query with s = α/r, (iii) AR1-ZO (one atom,
 * s = γ/r = α), optionally beside first-order AdamW — on the speaker-identification task
 * ({@link SpeakerFineTuning}). Every zeroth-order run takes {@code steps} two-point steps (2·steps forward
 * passes, the same batches for every method of a seed), with one learning rate per method for every rank
 * and ε = {@code eps}; the test accuracy and the NLL per token of the scored part (the true label for direct
 * scoring, the speech given the true header for channel scoring) are reported as mean ± sample
 * sd over the seeds 1…{@code seeds} (seed: adapter initialisation, batch order, directions).
 */
public final class SpeakerRankBench {
    private SpeakerRankBench() {}

    /** Runs the sweep and prints (and returns) the Markdown tables. */
    public static String run(Path out, int preIters, int[] ranks, List<SpeakerFineTuning.Method> methods, Map<SpeakerFineTuning.Method, Double> lrs,
                             int steps, int batch, int seeds, double alpha, double eps, int speakers, LabelWordClassifier.Scoring scoring,
                             PrintStream p) {
        SpeakerFineTuning s = SpeakerFineTuning.prepare(out, preIters, speakers, scoring, p);
        // what the NLL is of: the true label (direct) or the speech given the true header (channel)
        String nllOf = scoring == LabelWordClassifier.Scoring.DIRECT ? "label NLL" : "speech NLL";
        LabelWordClassifier.Evaluation before = s.evaluate(s.base(0));
        p.printf("task: %s, %d train / %d test speeches; pre-trained base: accuracy %.4f, %s %.4f%n", s.task().speakers(),
                s.task().train().size(), s.task().test().size(), before.accuracy(), nllOf, before.labelLoss());
        double[][][] acc = new double[ranks.length][methods.size()][seeds];
        double[][][] nll = new double[ranks.length][methods.size()][seeds];
        for (int ri = 0; ri < ranks.length; ri++) {
            for (int m = 0; m < methods.size(); m++) {
                for (int seed = 1; seed <= seeds; seed++) {
                    long t0 = System.nanoTime();
                    Gpt model = s.withLora(ranks[ri], alpha, seed);
                    SftObjective obj = s.objective(model, batch, seed);
                    Optimizer opt = SpeakerFineTuning.optimizer(methods.get(m), model, obj, lrs.get(methods.get(m)), eps, seed);
                    double last = SpeakerFineTuning.train(opt, obj, steps);
                    LabelWordClassifier.Evaluation e = s.evaluate(model);
                    acc[ri][m][seed - 1] = e.accuracy();
                    nll[ri][m][seed - 1] = e.labelLoss();
                    p.printf("r %d %s seed %d: accuracy %.4f, %s %.4f (last batch loss %.4f; %.1f s)%n", ranks[ri], methods.get(m).label, seed,
                            e.accuracy(), nllOf, e.labelLoss(), last, (System.nanoTime() - t0) * 1e-9);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format("Speaker identification (%d speakers, chance %.2f, %s scoring): pre-trained accuracy %.4f, %s %.4f; %d steps "
                + "(%d forward passes per zeroth-order run), batch %d, α = %s, ε = %s, lr %s, %d seeds%n%n",
                s.task().speakers().size(), 1.0 / s.task().speakers().size(), s.scoring().name().toLowerCase(java.util.Locale.ROOT),
                before.accuracy(), nllOf, before.labelLoss(), steps, 2 * steps, batch, alpha,
                eps, lrs, seeds));
        for (int table = 0; table < 2; table++) {
            md.append(table == 0 ? "Test accuracy (mean ± sd)\n\n" : "\nTest " + nllOf + " per token (mean ± sd)\n\n");
            md.append("| r |");
            for (SpeakerFineTuning.Method m : methods) md.append(' ').append(m.label).append(" |");
            md.append("\n|---|");
            md.append("---|".repeat(methods.size())).append('\n');
            for (int ri = 0; ri < ranks.length; ri++) {
                md.append("| ").append(ranks[ri]).append(" |");
                for (int m = 0; m < methods.size(); m++) md.append(' ').append(SpeakerFineTuning.meanSd(table == 0 ? acc[ri][m] : nll[ri][m])).append(" |");
                md.append('\n');
            }
        }
        p.print(md);
        return md.toString();
    }
}
