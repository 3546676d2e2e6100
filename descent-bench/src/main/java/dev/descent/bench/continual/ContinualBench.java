package dev.descent.bench.continual;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.bench.report.ContinualReport;
import dev.descent.continual.AccuracyMatrix;
import dev.descent.continual.ContinualRun;
import dev.descent.continual.ContinualStream;
import dev.descent.continual.Scenario;
import dev.descent.continual.Strategies;
import dev.descent.continual.Streams;
import dev.descent.optim.HyperParams;
import dev.descent.tensor.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every continual strategy on every stream, over seeds 1…K, with each strategy's default options
 * ({@link Strategies}) and plain SGD at one learning rate: average accuracy, forgetting and mean
 * plasticity (mean ± sd over seeds) per stream; on the label-permuted stream, the accuracy on each
 * task right after learning it, early tasks against late ones (UPGD's claim of retained plasticity).
 * FeTrIL and First-Session Adaptation need new classes per task and are not run on the domain
 * streams. Writes every run's accuracy matrix to {@code continual.json} in the output folder and its
 * plot to {@code continual.html} ({@link ContinualReport}).
 *
 * <p>Usage: {@code bin/descent experiment run continual [--set seeds=K] [--set steps=N] …} (see
 * {@code experiment list} for the options).
 */
public final class ContinualBench {
    private ContinualBench() {}

    /**
     * @param steps         SGD steps per task (batch 32) on the split and permuted streams
     * @param labelTasks    tasks of the label-permuted stream
     * @param labelSteps    steps per task there
     * @param permutedTasks tasks of permuted MNIST
     * @param perClass      MNIST training rows per class
     */
    public record Options(int seeds, int steps, double lr, int perClass, int permutedTasks, int labelTasks, int labelSteps, Path out) {}

    public static String run(Options o, PrintStream out) {
        StringBuilder md = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        ArrayNode runs = json.createArrayNode();
        line(md, out, String.format(Locale.ROOT, "Continual streams: MLP inputs-64-classes, SGD lr %s batch 32, %d steps per task (label-permuted: %d tasks × %d steps; "
                + "permuted MNIST: %d tasks; MNIST: %d training rows per class), seeds 1..%d, %d threads; mean ± sd over seeds%n",
                o.lr(), o.steps(), o.labelTasks(), o.labelSteps(), o.permutedTasks(), o.perClass(), o.seeds(), Parallel.threads()));
        for (String streamName : Streams.names()) {
            boolean label = streamName.equals("label-permuted-digits");
            ContinualStream stream = Streams.create(streamName, new Streams.Options(label ? o.labelTasks() : streamName.equals("permuted-mnist") ? o.permutedTasks() : 0, o.perClass()));
            int steps = label ? o.labelSteps() : o.steps();
            line(md, out, String.format(Locale.ROOT, "### %s (%s, %d tasks)%n", streamName, stream.scenario().name().toLowerCase(Locale.ROOT), stream.size()));
            line(md, out, "| strategy | average accuracy | forgetting | mean plasticity | wall time per run |");
            line(md, out, "|---|---|---|---|---|");
            StringBuilder plasticityTable = new StringBuilder();
            for (String name : Strategies.names()) {
                boolean frozenBody = name.equals("fetril") || name.equals("fsa");
                if (frozenBody && stream.scenario() == Scenario.DOMAIN_INCREMENTAL) {
                    line(md, out, "| " + name + " | n/a (needs new classes per task) | | | |");
                    continue;
                }
                double[] acc = new double[o.seeds()], forg = new double[o.seeds()], plast = new double[o.seeds()];
                double[][] perTask = new double[o.seeds()][];
                double seconds = 0;
                for (int s = 0; s < o.seeds(); s++) {
                    long seed = s + 1;
                    ContinualRun.Result r = ContinualRun.run(stream, Strategies.create(name, HyperParams.empty(), seed), new ContinualRun.Settings(steps, 32, o.lr(), 64, seed));
                    AccuracyMatrix m = r.accuracy();
                    acc[s] = m.averageAccuracy();
                    forg[s] = m.forgetting();
                    plast[s] = m.meanPlasticity();
                    perTask[s] = m.plasticity();
                    seconds += r.seconds() / o.seeds();
                    runs.add(runJson(json, streamName, name, seed, steps, o.lr(), m, r.seconds()));
                }
                line(md, out, String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f s |", name, meanSd(acc), meanSd(forg), meanSd(plast), seconds));
                if (label) plasticityTable.append(plasticityRow(name, perTask)).append('\n');
            }
            line(md, out, "");
            if (label) {
                int k = Math.max(1, Math.min(5, stream.size() / 2));
                line(md, out, String.format(Locale.ROOT, "Accuracy right after learning each task of %s (plasticity), mean over seeds: first %d tasks, last %d tasks, "
                        + "and every task in order%n", streamName, k, k));
                line(md, out, "| strategy | first " + k + " tasks | last " + k + " tasks | last − first | per task |");
                line(md, out, "|---|---|---|---|---|");
                line(md, out, plasticityTable.toString());
            }
        }
        try {
            Files.createDirectories(o.out());
            ObjectNode root = json.createObjectNode();
            root.put("lr", o.lr());
            root.put("seeds", o.seeds());
            root.set("runs", runs);
            Files.writeString(o.out().resolve("continual.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            ContinualReport.write(o.out().resolve("continual.json"), o.out().resolve("continual.html"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return md.toString();
    }

    private static String plasticityRow(String name, double[][] perTask) {
        int n = perTask[0].length;
        int k = Math.max(1, Math.min(5, n / 2));
        double[] mean = new double[n];
        for (double[] p : perTask) for (int j = 0; j < n; j++) mean[j] += p[j] / perTask.length;
        double[] first = new double[perTask.length], last = new double[perTask.length], diff = new double[perTask.length];
        for (int s = 0; s < perTask.length; s++) {
            for (int j = 0; j < k; j++) {
                first[s] += perTask[s][j] / k;
                last[s] += perTask[s][n - k + j] / k;
            }
            diff[s] = last[s] - first[s];
        }
        StringBuilder b = new StringBuilder();
        for (double v : mean) b.append(String.format(Locale.ROOT, "%.2f ", v));
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", name, meanSd(first), meanSd(last), meanSd(diff), b.toString().strip());
    }

    static ObjectNode runJson(ObjectMapper json, String stream, String strategy, long seed, int steps, double lr, AccuracyMatrix m, double seconds) {
        ObjectNode n = json.createObjectNode();
        n.put("stream", stream);
        n.put("strategy", strategy);
        n.put("seed", seed);
        n.put("steps", steps);
        n.put("lr", lr);
        ArrayNode rows = n.putArray("accuracy_matrix");
        for (double[] row : m.rows()) {
            ArrayNode a = rows.addArray();
            for (double v : row) a.add(v);
        }
        n.put("average_accuracy", m.averageAccuracy());
        n.put("forgetting", m.forgetting());
        n.put("backward_transfer", m.backwardTransfer());
        n.put("mean_plasticity", m.meanPlasticity());
        n.put("seconds", seconds);
        return n;
    }

    private static void line(StringBuilder md, PrintStream out, String s) {
        md.append(s).append('\n');
        out.println(s);
        out.flush();
    }

    static String meanSd(double[] x) {
        return dev.descent.bench.report.Stats.meanSd(x, 3);
    }

}
