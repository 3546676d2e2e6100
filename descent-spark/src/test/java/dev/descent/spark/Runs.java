package dev.descent.spark;

import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.Schedules;
import dev.descent.tensor.Parallel;
import dev.descent.train.GptObjective;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainingLoop;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Mezo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small runs shared by the tests: one configuration, the single-process references, Spark settings for a loopback driver. */
final class Runs {
    private Runs() {}

    /** A GPT small enough for a test step to take milliseconds; one kernel thread (every process the same). */
    static SparkRunConfig config(Path outDir, String mode, String master, int workers, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("n_layer=1", "n_head=2", "n_embd=16", "block_size=16", "batch_size=4", "dropout=0.0",
                "max_iters=" + maxIters, "eval_interval=2", "warmup_iters=1", "lr_decay_iters=" + maxIters, "threads=1",
                "sample_tokens=0", "out_dir=" + outDir, "cluster.mode=" + mode, "cluster.master=" + master, "cluster.workers=" + workers));
        if (mode.equals("seed_zo")) o.addAll(List.of("optimizer=mezo", "learning_rate=1e-3", "min_lr=1e-4", "optimizer_args.mu=1e-2"));
        o.addAll(List.of(more));
        return SparkRunConfig.parse("{}", "test", o);
    }

    /** Settings of a driver on loopback (no web UI). */
    static Map<String, String> loopback() {
        return Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1", "descent.logLevel", "ERROR");
    }

    /**
     * One process computing all W ranks ({@link Exchange#local}): what a distributed run must equal, bit for
     * bit (local SGD, {@code average_every > 1}: W = 1 only; W ranks are {@link #localSgdSimulation}).
     */
    static float[] singleProcess(SparkRunConfig c) throws IOException {
        Parallel.setThreads(c.train().getInt("threads"));
        Replica r = new Replica(c.train(), c.cluster().mode(), c.cluster().averageEvery(), Exchange.local(c.cluster().workers()));
        r.run(0, c.train().getInt("max_iters"));
        return r.model().parameters().values().clone();
    }

    /**
     * Local SGD written out plainly, one process: W independent models, each with its own AdamW and
     * training loop (the run's schedule and clip) on its rank's shards, the mean loss of B/W sequences;
     * after every K steps and after the last step, every parameter and every optimizer state element is
     * set to the float64 sum over the ranks in rank order, divided by W and rounded to float32.
     */
    static float[] localSgdSimulation(SparkRunConfig c) throws IOException {
        TrainConfig t = c.train();
        int w = c.cluster().workers();
        int k = c.cluster().averageEvery();
        long maxIters = t.getInt("max_iters");
        Parallel.setThreads(t.getInt("threads"));
        TextDataset data = TextDataset.shakespeare();
        long seed = t.getInt("seed");
        GptConfig gc = new GptConfig(data.tokenizer().vocabSize(), t.getInt("block_size"), t.getInt("n_layer"), t.getInt("n_head"),
                t.getInt("n_embd"), (float) t.getDouble("dropout"), t.getBool("bias"));
        Shards shards = new Shards(data.train(), t.getInt("batch_size"), t.getInt("block_size"), seed, w);
        Gpt[] models = new Gpt[w];
        Optimizer[] optimizers = new Optimizer[w];
        TrainingLoop[] loops = new TrainingLoop[w];
        for (int r = 0; r < w; r++) {
            Gpt model = new Gpt(gc, seed);
            int rank = r;
            Objective ownShard = new Objective() {
                final ActivationArena arena = new ActivationArena();
                TextDataset.Batch batch;

                @Override
                public void prepare(long step) {
                    model.beginStep(step);
                    batch = shards.shard(step, rank);
                }

                @Override
                public double lossAndGradient() {
                    arena.reset();
                    Variable loss = model.loss(batch.x(), batch.y(), batch.batch(), batch.block(), arena);
                    loss.backward();
                    return loss.item();
                }

                @Override
                public double loss() { throw new UnsupportedOperationException(); }
            };
            models[r] = model;
            optimizers[r] = AdamW.nanoGpt(model.parameters(), t.getDouble("learning_rate"), t.getDouble("beta1"), t.getDouble("beta2"),
                    t.getDouble("weight_decay"));
            loops[r] = new TrainingLoop(optimizers[r], ownShard, model.parameters().grads())
                    .schedule(Schedules.nanoGpt(t.getDouble("learning_rate"), t.getDouble("min_lr"), t.getInt("warmup_iters"),
                            t.getInt("lr_decay_iters"))::at, t.getDouble("learning_rate"))
                    .clip(t.getDouble("grad_clip"));
        }
        for (long from = 0; from < maxIters; ) {
            long to = Math.min(maxIters, (from / k + 1) * k);
            for (TrainingLoop loop : loops) loop.run(from, to);
            List<float[]> params = new ArrayList<>();
            for (Gpt m : models) params.add(m.parameters().values());
            averageInPlace(params, 0, params.getFirst().length);
            for (String name : optimizers[0].state().keySet()) {
                List<float[]> parts = new ArrayList<>();
                for (Optimizer o : optimizers) parts.add(o.state().get(name).data());
                var first = optimizers[0].state().get(name);
                averageInPlace(parts, first.offset(), first.size());
            }
            from = to;
        }
        return models[0].parameters().values().clone();
    }

    /** Elements [offset, offset + n) of every array set to fl32(Σ_r double(a_r[i]) / W), the sum in rank order. */
    private static void averageInPlace(List<float[]> byRank, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            double sum = 0;
            for (float[] a : byRank) sum += a[i];
            float mean = (float) (sum / byRank.size());
            for (float[] a : byRank) a[i] = mean;
        }
    }

    /** {@code bin/descent train}'s step on the whole batch: core's GptObjective, AdamW or MeZO, the same schedule and clip. */
    static float[] coreTrainer(TrainConfig t) throws IOException {
        Parallel.setThreads(t.getInt("threads"));
        TextDataset data = TextDataset.shakespeare();
        long seed = t.getInt("seed");
        GptConfig gc = new GptConfig(data.tokenizer().vocabSize(), t.getInt("block_size"), t.getInt("n_layer"), t.getInt("n_head"),
                t.getInt("n_embd"), (float) t.getDouble("dropout"), t.getBool("bias"));
        Gpt model = new Gpt(gc, seed);
        GptObjective objective = new GptObjective(model, data.train(), t.getInt("batch_size"), t.getInt("block_size"), seed, t.getDouble("grad_clip"));
        Optimizer opt = t.getString("optimizer").equals("mezo")
                ? new Mezo(ParamSet.of(model.parameters()), null, t.getDouble("learning_rate"),
                        Double.parseDouble(t.optimizerArgs().get("mu")), 0, 1, 0, DirectionKind.GAUSSIAN)
                : AdamW.nanoGpt(model.parameters(), t.getDouble("learning_rate"), t.getDouble("beta1"), t.getDouble("beta2"), t.getDouble("weight_decay"));
        new TrainingLoop(opt, objective, model.parameters().grads())
                .schedule(Schedules.nanoGpt(t.getDouble("learning_rate"), t.getDouble("min_lr"), t.getInt("warmup_iters"),
                        t.getInt("lr_decay_iters"))::at, t.getDouble("learning_rate"))
                .clip(t.getDouble("grad_clip"))
                .run(0, t.getInt("max_iters"));
        return model.parameters().values().clone();
    }
}
