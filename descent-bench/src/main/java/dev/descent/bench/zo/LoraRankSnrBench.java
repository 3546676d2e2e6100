package dev.descent.bench.zo;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.ParamSet;
import dev.descent.peft.Lora;
import dev.descent.peft.LoraConfig;
import dev.descent.tensor.Philox;
import dev.descent.train.GptObjective;
import dev.descent.zo.Ar1Zo;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.LoraAtoms;
import dev.descent.zo.Mezo;
import java.io.PrintStream;
import java.util.List;

/**
 * AR1-ZO's first claim, first half: the finite-difference signal of one zeroth-order query on LoRA
 * adapters against the rank r, for (i) MeZO over all adapter coordinates (s = α/r), (ii) one rank-1
 * atom per query with the canonical s = α/r, (iii) AR1-ZO, one atom with the topology-aware s = γ/r = α.
 *
 * <p>Protocol: a character GPT (vocabulary 65, block 32, 2 layers, 2 heads, width 64, random init of
 * the seed) on a fixed pseudo-random token stream, LoRA (α = {@code alpha}, PEFT's default init: A
 * Kaiming-uniform, B = 0) on {@code c_attn} and {@code c_fc}; one fixed batch of 4×32; for each rank,
 * {@code queries} two-point queries with ε = {@code eps} and learning rate 0 (the parameters do not
 * move; the cyclic atom order visits every atom when queries ≥ r). Signal power P = mean ĝ² over the
 * queries. The evaluation-noise floor σ_ℓ is the standard deviation of the loss over 16 other batches
 * at the same parameters (minibatch noise), and SNR = P·(2ε)² / (2σ_ℓ²), the power of ℓ₊ − ℓ₋ over the
 * noise power of a difference of two independent evaluations. Mean ± sd over the seeds.
 */
public final class LoraRankSnrBench {
    private LoraRankSnrBench() {}

    public static final int[] RANKS = {1, 2, 4, 8, 16, 32, 64};

    /** Runs and prints a Markdown table; returns it. */
    public static String run(int seeds, int queries, double alpha, double eps, PrintStream out) {
        GptConfig gc = new GptConfig(65, 32, 2, 2, 64, 0f, true);
        int[] tokens = new int[4096];
        Philox p = Philox.stream(1234, "bench/lora-snr/tokens");
        for (int i = 0; i < tokens.length; i++) tokens[i] = p.nextInt(i, 65);
        String[] names = {"(i) all coordinates, α/r", "(ii) one atom, α/r", "(iii) AR1-ZO one atom, γ/r = α"};
        double[][][] snr = new double[RANKS.length][3][seeds];
        double[][][] power = new double[RANKS.length][3][seeds];
        for (int ri = 0; ri < RANKS.length; ri++) {
            int r = RANKS[ri];
            for (int s = 0; s < seeds; s++) {
                Gpt model = new Gpt(gc, s);
                Lora.apply(model, LoraConfig.of(LoraConfig.Targets.names(List.of("c_attn", "c_fc"))).withRank(r, alpha), "default", s,
                        model.dropoutStreams());
                GptObjective obj = new GptObjective(model, tokens, 4, 32, s, 0);
                double mean = 0;
                double sq = 0;
                int nb = 16;
                for (int b = 1; b <= nb; b++) {
                    obj.prepare(b);
                    double l = obj.loss();
                    mean += l;
                    sq += l * l;
                }
                mean /= nb;
                double noise = Math.max(sq / nb - mean * mean, 0) * nb / (nb - 1);
                obj.prepare(0);
                ParamSet params = ParamSet.of(model.parameters());
                LoraAtoms atoms = LoraAtoms.of(params, Lora.adapterPairs(model, "default"));
                double[] pw = new double[3];
                Ar1Zo canonical = new Ar1Zo(atoms, params.values(), obj, 0, eps, s, Ar1Zo.AtomOrder.CYCLIC, Ar1Zo.Scaling.CANONICAL);
                for (int q = 0; q < queries; q++) {
                    canonical.step();
                    pw[1] += sq(canonical.projectedGradient());
                }
                Mezo all = new Mezo(params, obj, 0, eps, 0, 1, s, DirectionKind.GAUSSIAN);
                for (int q = 0; q < queries; q++) {
                    all.step();
                    pw[0] += sq(all.projectedGradients()[0]);
                }
                // last: topology scaling sets the adapters' forward scale to α
                Ar1Zo topology = new Ar1Zo(atoms, params.values(), obj, 0, eps, s, Ar1Zo.AtomOrder.CYCLIC, Ar1Zo.Scaling.TOPOLOGY);
                for (int q = 0; q < queries; q++) {
                    topology.step();
                    pw[2] += sq(topology.projectedGradient());
                }
                for (int m = 0; m < 3; m++) {
                    power[ri][m][s] = pw[m] / queries;
                    snr[ri][m][s] = power[ri][m][s] * 4 * eps * eps / (2 * noise);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format("LoRA rank vs finite-difference SNR per query (char GPT 2×64, c_attn + c_fc, α = %s, ε = %s, %d queries, %d seeds)%n%n",
                alpha, eps, queries, seeds));
        md.append("| r |");
        for (String n : names) md.append(" SNR ").append(n).append(" |");
        md.append(" (ii)·r² / (ii at r=1) |\n|---|---|---|---|---|\n");
        for (int ri = 0; ri < RANKS.length; ri++) {
            md.append("| ").append(RANKS[ri]).append(" |");
            for (int m = 0; m < 3; m++) md.append(' ').append(meanSd(snr[ri][m])).append(" |");
            md.append(String.format(" %.3f |%n", mean(snr[ri][1]) * RANKS[ri] * RANKS[ri] / mean(snr[0][1])));
        }
        out.print(md);
        return md.toString();
    }

    private static double sq(double x) { return x * x; }

    private static double mean(double[] v) {
        double m = 0;
        for (double x : v) m += x;
        return m / v.length;
    }

    private static String meanSd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        double sd = v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
        return String.format("%.3g ± %.2g", m, sd);
    }
}
