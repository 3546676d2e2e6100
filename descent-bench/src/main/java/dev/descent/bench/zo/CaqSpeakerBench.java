package dev.descent.bench.zo;

import dev.descent.nn.Gpt;
import dev.descent.tasks.LabelWordClassifier;
import dev.descent.tasks.SftObjective;
import dev.descent.zo.CaqZo;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Directions;
import dev.descent.zo.OffGridQuantizedZo;
import dev.descent.zo.QuantizedWeights;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CAQ-ZO's claim: on NF4 base weights, zeroth-order fine-tuning with compander-aligned one-grid-step queries
 * ({@link CaqZo}) against off-grid queries of a fixed weight-space radius μ ({@link OffGridQuantizedZo}) at an
 * equal budget of {@code steps} two-point steps, on the speaker-identification task ({@link SpeakerFineTuning}):
 * every hidden linear layer of the pre-trained base in NF4 (blocks of 64, double-quantized scales), no adapters,
 * the 4-bit weights the optimized vector (embeddings and norms frozen, as the optimizers do not touch them).
 *
 * <p>Measured per run: the endpoint-rounding residual ‖(Q(w₊) − Q(w₋)) − (w₊ − w₋)‖₂ of every query (mean over
 * the steps), the same divided by the intended chord's norm (2μ√n for the off-grid query, whose w± = w ± μu
 * with u ∈ {±1}ⁿ), the fraction of queries whose two losses were equal (a collapsed query: no signal), and the
 * final test accuracy and NLL per token of the scored part (the label for direct scoring, the speech given the
 * true header for channel scoring: "label NLL" / "speech NLL"). Mean ± sample sd over the seeds 1…{@code seeds} (Rademacher directions and
 * batch order).
 */
public final class CaqSpeakerBench {
    private CaqSpeakerBench() {}

    /** Runs the comparison and prints (and returns) the Markdown table. */
    public static String run(Path out, int preIters, int steps, int batch, int seeds, double caqLr, double[] mus, double[] offGridLrs,
                             LabelWordClassifier.Scoring scoring, PrintStream p) {
        if (mus.length != offGridLrs.length) throw new IllegalArgumentException("mus and offgrid_lrs must have the same length");
        SpeakerFineTuning s = SpeakerFineTuning.prepare(out, preIters, SpeakerFineTuning.SPEAKERS, scoring, p);
        String nllOf = scoring == LabelWordClassifier.Scoring.DIRECT ? "label NLL" : "speech NLL";
        Gpt probe = s.base(0);
        LabelWordClassifier.Evaluation full = s.evaluate(probe);
        int n = s.quantize(probe).size();
        LabelWordClassifier.Evaluation before = s.evaluate(probe);
        p.printf("float32 base: accuracy %.4f, %s %.4f; NF4 base (%,d 4-bit weights): accuracy %.4f, %s %.4f%n", full.accuracy(), nllOf,
                full.labelLoss(), n, before.accuracy(), nllOf, before.labelLoss());
        List<String> names = new ArrayList<>();
        names.add(String.format("CAQ-ZO (η = %s grid steps)", caqLr));
        for (int i = 0; i < mus.length; i++) names.add(String.format("off-grid μ = %s (lr %s)", mus[i], offGridLrs[i]));
        int rows = names.size();
        double[][] residual = new double[rows][seeds];
        double[][] relative = new double[rows][seeds];
        double[][] collapsed = new double[rows][seeds];
        double[][] acc = new double[rows][seeds];
        double[][] nll = new double[rows][seeds];
        for (int row = 0; row < rows; row++) {
            for (int seed = 1; seed <= seeds; seed++) {
                long t0 = System.nanoTime();
                Gpt model = s.base(seed);
                QuantizedWeights w = s.quantize(model);
                SftObjective obj = s.objective(model, batch, seed);
                double res = 0;
                double rel = 0;
                int flat = 0;
                if (row == 0) {
                    CaqZo caq = new CaqZo(w, obj, caqLr, seed);
                    for (int k = 0; k < steps; k++) {
                        obj.prepare(k);
                        caq.step(obj);
                        res += caq.lastEndpointResidual();
                        rel += caq.lastEndpointResidual() == 0 ? 0 : Double.NaN; // the chord's norm is not reported; 0 stays 0
                        if (caq.projectedGradient() == 0) flat++;
                    }
                } else {
                    double mu = mus[row - 1];
                    OffGridQuantizedZo off = new OffGridQuantizedZo(w, obj, offGridLrs[row - 1], mu, Directions.seeded(DirectionKind.RADEMACHER, seed));
                    for (int k = 0; k < steps; k++) {
                        obj.prepare(k);
                        off.step(obj);
                        res += off.lastEndpointResidual();
                        rel += off.lastEndpointResidual() / (2 * mu * Math.sqrt(n));
                        if (off.projectedGradient() == 0) flat++;
                    }
                }
                LabelWordClassifier.Evaluation e = s.evaluate(model);
                residual[row][seed - 1] = res / steps;
                relative[row][seed - 1] = rel / steps;
                collapsed[row][seed - 1] = (double) flat / steps;
                acc[row][seed - 1] = e.accuracy();
                nll[row][seed - 1] = e.labelLoss();
                p.printf("%s seed %d: residual %.4g (relative %.4g), collapsed %.3f, accuracy %.4f, %s %.4f (%.1f s)%n", names.get(row), seed,
                        residual[row][seed - 1], relative[row][seed - 1], collapsed[row][seed - 1], e.accuracy(), nllOf, e.labelLoss(),
                        (System.nanoTime() - t0) * 1e-9);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format("NF4 base (%,d 4-bit weights): accuracy %.4f, %s %.4f (float32 base: %.4f, %.4f); %d steps (%d forward "
                + "passes), batch %d, %d seeds%n%n", n, before.accuracy(), nllOf, before.labelLoss(), full.accuracy(), full.labelLoss(), steps, 2 * steps,
                batch, seeds));
        md.append("| method | endpoint residual per query | residual / intended chord | collapsed queries | test accuracy | test " + nllOf + " |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (int row = 0; row < rows; row++) {
            md.append(String.format("| %s | %s | %s | %s | %s | %s |%n", names.get(row), SpeakerFineTuning.meanSd(residual[row]),
                    SpeakerFineTuning.meanSd(relative[row]), SpeakerFineTuning.meanSd(collapsed[row]), SpeakerFineTuning.meanSd(acc[row]),
                    SpeakerFineTuning.meanSd(nll[row])));
        }
        p.print(md);
        return md.toString();
    }
}
