package dev.descent.bench.continual;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.bench.report.ContinualReport;
import dev.descent.continual.AccuracyMatrix;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The GPT task stream ({@link GptTaskStream}) under the GPT strategies ({@link GptContinualRun}) over
 * seeds 1…K: average accuracy, forgetting and mean plasticity (mean ± sd over seeds) and the mean
 * accuracy matrix per strategy. Writes every run's matrix to {@code continual-gpt.json} (the runs in
 * the format of {@link ContinualBench}'s {@code continual.json}, stream {@code gpt-tasks}) and its
 * plot, {@code continual-gpt.html} ({@link ContinualReport}), into the output folder.
 *
 * <p>Usage: {@code bin/descent experiment run continual-gpt [--set seeds=K] [--set steps=N] …}.
 */
public final class GptContinualBench {
    private GptContinualBench() {}

    public record Options(int seeds, int steps, double lr, double lambda, int fisherSamples, int trainExamples, int testProblems, List<String> strategies, Path out) {}

    public static String run(Options o, PrintStream out) {
        for (String s : o.strategies()) {
            if (!GptContinualRun.STRATEGIES.contains(s)) throw new IllegalArgumentException("unknown GPT strategy '" + s + "'; valid: " + String.join(", ", GptContinualRun.STRATEGIES));
        }
        StringBuilder md = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        ArrayNode runs = json.createArrayNode();
        GptTaskStream stream = new GptTaskStream(o.trainExamples(), o.testProblems(), 0);
        line(md, out, String.format(Locale.ROOT, "GPT task stream %s: char GPT 2 layers × 48, SFT AdamW lr %s, %d steps per task (batch 32), %d training and %d "
                + "held-out test problems per task, EWC λ = %s (empirical Fisher of %d lines), seeds 1..%d; exact-match accuracy, mean ± sd over seeds%n",
                String.join(" → ", GptTaskStream.ORDER), o.lr(), o.steps(), o.trainExamples(), o.testProblems(), o.lambda(), o.fisherSamples(), o.seeds()));
        line(md, out, "| strategy | average accuracy | forgetting | mean plasticity | final accuracy per task | wall time per run |");
        line(md, out, "|---|---|---|---|---|---|");
        for (String name : o.strategies()) {
            double[] acc = new double[o.seeds()], forg = new double[o.seeds()], plast = new double[o.seeds()];
            double[] last = new double[stream.size()];
            double seconds = 0;
            for (int s = 0; s < o.seeds(); s++) {
                long seed = s + 1;
                GptContinualRun.Result r = GptContinualRun.run(stream, name, new GptContinualRun.Settings(o.steps(), o.lr(), o.lambda(), o.fisherSamples(), seed));
                AccuracyMatrix m = r.accuracy();
                acc[s] = m.averageAccuracy();
                forg[s] = m.forgetting();
                plast[s] = m.meanPlasticity();
                for (int j = 0; j < last.length; j++) last[j] += m.get(m.tasks() - 1, j) / o.seeds();
                seconds += r.seconds() / o.seeds();
                runs.add(ContinualBench.runJson(json, "gpt-tasks", name, seed, o.steps(), o.lr(), m, r.seconds()));
            }
            StringBuilder perTask = new StringBuilder();
            for (int j = 0; j < last.length; j++) perTask.append(String.format(Locale.ROOT, "%s %.2f ", stream.name(j), last[j]));
            line(md, out, String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f s |", name, ContinualBench.meanSd(acc), ContinualBench.meanSd(forg),
                    ContinualBench.meanSd(plast), perTask.toString().strip(), seconds));
        }
        line(md, out, "");
        try {
            Files.createDirectories(o.out());
            ObjectNode root = json.createObjectNode();
            root.put("lr", o.lr());
            root.put("seeds", o.seeds());
            ArrayNode names = root.putArray("tasks");
            for (String n : GptTaskStream.ORDER) names.add(n);
            root.set("runs", runs);
            Path file = o.out().resolve("continual-gpt.json");
            Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            ContinualReport.write(file, o.out().resolve("continual-gpt.html"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return md.toString();
    }

    private static void line(StringBuilder md, PrintStream out, String s) {
        md.append(s).append('\n');
        out.println(s);
        out.flush();
    }
}
