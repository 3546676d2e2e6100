package dev.descent.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.CharTokenizer;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.CurvatureContext;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Reductions;
import dev.descent.zo.ZoContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The character-level GPT training run, read top to bottom as nanoGPT's {@code train.py}:
 * for each step, set the learning rate from the schedule, draw batch {@code step}, forward,
 * backward, clip the global gradient norm, step the optimizer (a zeroth-order optimizer instead
 * evaluates the step's batch itself, see {@link BatchObjective}: no backward, no clipping). Every {@code eval_interval} steps it
 * estimates train and validation loss on fixed evaluation batches and writes a checkpoint.
 *
 * <p>Fine-tuning: {@code train_start}/{@code train_end} restrict the training batches and the train-loss
 * estimate to a slice of the training split ({@link #trainSlice}); {@code init_from} starts a new run
 * from another run's checkpoint weights with a fresh optimizer at step 0 (nanoGPT's {@code init_from},
 * here a run folder). A run that pre-trains on {@code [0, 0.9)} and one that fine-tunes on
 * {@code [0.9, 1)} never share a training token.
 *
 * <p>Determinism: the data order, dropout masks and initial weights come from counter-based
 * streams keyed by the seed and the step, so a run resumed from its step-k checkpoint takes the
 * same steps, bit for bit, as one that was never stopped (same thread count).
 */
public final class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The summary of a finished run. */
    public record Result(Path runDir, long iters, double finalTrainLoss, double finalValLoss, double trainSeconds,
                         double tokensPerSecond, double mfu, double peakGflops, String sample) {}

    private final TrainConfig config;
    private final TrainListener listener;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    public Trainer(TrainConfig config, TrainListener listener) {
        this.config = config.validate();
        this.listener = listener;
    }

    /** Asks the run to write a checkpoint and stop after the current step (called from a signal handler). */
    public void requestStop() { stopRequested.set(true); }

    /** Starts a new run in {@code out_dir}, or continues the run in {@code resumeDir} when it is not null. */
    public Result run(Path resumeDir) throws IOException {
        Parallel.setThreads(config.getInt("threads"));
        String dataset = config.getString("dataset");
        TextDataset data = dataset.equals(TextDataset.SHAKESPEARE) ? TextDataset.shakespeare() : TextDataset.fromFile(Path.of(dataset));
        CharTokenizer tok = data.tokenizer();
        int block = config.getInt("block_size");
        int batch = config.getInt("batch_size");
        GptConfig gc = new GptConfig(tok.vocabSize(), block, config.getInt("n_layer"), config.getInt("n_head"),
                config.getInt("n_embd"), (float) config.getDouble("dropout"), config.getBool("bias"));
        long seed = config.getInt("seed");
        Gpt model = new Gpt(gc, seed);
        int[] trainTokens = trainSlice(data.train(), config.getDouble("train_start"), config.getDouble("train_end"));
        BatchObjective zoObjective = new BatchObjective(model, batch, block);
        Optimizer opt = buildOptimizer(model, trainTokens, zoObjective);
        LearningRates lrs = LearningRates.of(opt);
        Path runDir = resumeDir != null ? resumeDir : Path.of(config.getString("out_dir"));
        long start = 0;
        if (resumeDir != null) {
            Checkpoint.Info info = Checkpoint.info(resumeDir);
            if (!info.vocabulary().equals(tok.vocabulary())) {
                throw new IllegalArgumentException("checkpoint in " + resumeDir + " was trained on another vocabulary");
            }
            Checkpoint.loadWeights(resumeDir, model.parameters());
            Checkpoint.loadOptimizer(resumeDir, opt);
            start = info.step();
        } else {
            String init = config.getString("init_from");
            if (!init.equals("scratch")) {
                // Fine-tuning: the weights of another run, a fresh optimizer and step 0 (nanoGPT's init_from).
                Path from = Path.of(init);
                Checkpoint.Info info = Checkpoint.info(from);
                if (!info.vocabulary().equals(tok.vocabulary())) {
                    throw new IllegalArgumentException("init_from: checkpoint in " + from + " was trained on another vocabulary");
                }
                Checkpoint.loadWeights(from, model.parameters());
            }
            RunFolder.prepare(runDir);
        }
        Files.writeString(runDir.resolve("config.yaml"), config.toYaml());
        dev.descent.optim.Schedule schedule = config.getBool("decay_lr")
                ? dev.descent.optim.Schedules.nanoGpt(config.getDouble("learning_rate"), config.getDouble("min_lr"),
                        config.getInt("warmup_iters"), config.getInt("lr_decay_iters"))
                : dev.descent.optim.Schedules.constant(config.getDouble("learning_rate"));
        int maxIters = config.getInt("max_iters");
        int evalInterval = config.getInt("eval_interval");
        int logInterval = config.getInt("log_interval");
        double clip = config.getDouble("grad_clip");
        Philox trainOrder = Philox.stream(seed, "data/train");

        long nonEmbedding = model.parameterCount() - (long) block * gc.nEmbd();
        double flopsPerIter = (6.0 * nonEmbedding + 12.0 * gc.nLayer() * gc.nEmbd() * block) * block * batch;
        listener.onStart(start, maxIters, model.parameterCount());
        listener.onMessage(String.format("model: %,d parameters; %d threads", model.parameterCount(), Parallel.threads()));

        double trainSeconds = 0;
        double lastTrain = Double.NaN;
        double lastVal = Double.NaN;
        long step = start;
        // Zeroth-order counters at the start (a resumed run continues them), for the skip messages and the MFU.
        Map<String, Double> atStart = opt.scalars();
        double skippedSoFar = atStart.getOrDefault("skipped", 0.0);
        double queriesAtStart = atStart.getOrDefault("queries", 0.0);
        try (BufferedWriter metrics = Files.newBufferedWriter(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (; step < maxIters; step++) {
                if (step % evalInterval == 0 && step > start) {
                    double[] l = evaluate(model, trainTokens, data.val(), block, batch, seed, config.getInt("eval_iters"));
                    lastTrain = l[0];
                    lastVal = l[1];
                    logEval(metrics, step, l);
                    save(runDir, model, opt, step, tok);
                }
                long t0 = System.nanoTime();
                double lr = schedule.at(step);
                lrs.follow(lr, config.getDouble("learning_rate"));
                model.beginStep(step);
                TextDataset.Batch b = TextDataset.batch(trainTokens, batch, block, trainOrder, step);
                float lossValue;
                if (opt.needsGradients()) {
                    Variable loss = model.loss(b.x(), b.y(), batch, block);
                    lossValue = loss.item();
                    checkFinite(lossValue, step, runDir);
                    loss.backward();
                    if (clip > 0) clipGlobalNorm(model.parameters().grads(), clip);
                    opt.step();
                    opt.zeroGrad();
                } else {
                    // Zeroth-order: the optimizer evaluates the batch itself (no tape, no backward); the
                    // loss logged is its own estimate (MeZO: f(θ + μz)). A non-finite one stops the run
                    // like a non-finite loss does; the optimizer has already restored the parameters.
                    zoObjective.select(b);
                    opt.step();
                    Map<String, Double> scalars = opt.scalars();
                    double skippedNow = scalars.getOrDefault("skipped", 0.0);
                    if (skippedNow > skippedSoFar) {
                        listener.onMessage("step " + (step + 1) + ": zeroth-order update skipped (a loss evaluation was not finite); parameters restored");
                    }
                    skippedSoFar = skippedNow;
                    lossValue = (float) (double) scalars.getOrDefault("loss", Double.NaN);
                    checkFinite(lossValue, step, runDir);
                }
                double dt = (System.nanoTime() - t0) * 1e-9;
                trainSeconds += dt;
                double tps = batch * block / dt;
                listener.onStep(step + 1, maxIters, lossValue, lr, tps, trainSeconds);
                if ((step + 1) % logInterval == 0 || step == start) {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("step", step + 1);
                    line.put("loss", lossValue);
                    line.put("lr", lr);
                    line.put("step_seconds", dt);
                    line.put("tokens_per_second", tps);
                    metrics.write(JSON.writeValueAsString(line));
                    metrics.newLine();
                    metrics.flush();
                }
                if (stopRequested.get()) {
                    save(runDir, model, opt, step + 1, tok);
                    throw new TrainingStopped("interrupted after step " + (step + 1) + "; checkpoint written to "
                            + runDir.resolve(Checkpoint.DIR) + "; continue with --resume " + runDir, step + 1, true);
                }
            }
            int finalIters = config.getInt("final_eval_iters");
            double[] l = evaluate(model, trainTokens, data.val(), block, batch, seed, finalIters > 0 ? finalIters : config.getInt("eval_iters"));
            lastTrain = l[0];
            lastVal = l[1];
            logEval(metrics, step, l);
        }
        save(runDir, model, opt, step, tok);
        // Measured after training, when the JIT has compiled the kernels (before, it reads low).
        double peak = PeakFlops.measureGflops();
        String sample = "";
        int sampleTokens = config.getInt("sample_tokens");
        if (sampleTokens > 0) {
            int[] out = model.generate(tok.encode("\n"), sampleTokens, 0.8f, 200, Philox.stream(seed, "sample"));
            sample = tok.decode(out);
            Files.writeString(runDir.resolve("samples.txt"), sample);
        }
        long steps = step - start;
        double tokensPerSecond = trainSeconds > 0 ? steps * (double) batch * block / trainSeconds : 0;
        if (!opt.needsGradients() && steps > 0) {
            // Zeroth-order steps are forward passes only: a third of forward + backward each, times the evaluations per step.
            double evaluations = (opt.scalars().getOrDefault("queries", 0.0) - queriesAtStart) / steps;
            flopsPerIter = flopsPerIter / 3 * evaluations;
        }
        double mfu = trainSeconds > 0 ? steps * flopsPerIter / trainSeconds / (peak * 1e9) : 0;
        return new Result(runDir, step, lastTrain, lastVal, trainSeconds, tokensPerSecond, mfu, peak, sample);
    }

    private static void checkFinite(float lossValue, long step, Path runDir) {
        if (!Float.isFinite(lossValue)) {
            throw new TrainingStopped("loss became " + lossValue + " at step " + step
                    + "; the last good checkpoint is in " + runDir.resolve(Checkpoint.DIR), step, false);
        }
    }

    /**
     * {@code adamw} is nanoGPT's AdamW (fused; decay on matrices; learning_rate, beta1, beta2,
     * weight_decay from the config). Any other registered optimizer is built from the registry with
     * {@code optimizer_args}; its {@code lr} defaults to {@code learning_rate}. Zeroth-order optimizers
     * ({@code mezo}, {@code zo_sgd}, {@code zo_adam}, …) capture {@code zoObjective}, the current
     * batch's loss in no-grad evaluation mode, through {@link ZoContext}; the loop then skips the
     * backward pass and gradient clipping for them.
     */
    private Optimizer buildOptimizer(Gpt model, int[] trainTokens, BatchObjective zoObjective) {
        String name = config.getString("optimizer");
        Map<String, String> args = new java.util.LinkedHashMap<>(config.optimizerArgs());
        if (name.equals("adamw") && args.isEmpty()) {
            return AdamW.nanoGpt(model.parameters(), config.getDouble("learning_rate"), config.getDouble("beta1"),
                    config.getDouble("beta2"), config.getDouble("weight_decay"));
        }
        args.putIfAbsent("lr", Double.toString(config.getDouble("learning_rate")));
        if (name.equals("sophiah")) {
            throw new ConfigException("optimizer sophiah needs Hessian-vector products, which the GPT does not provide; use sophiag");
        }
        // SophiaG's Gauss-Newton-Bartlett estimate samples labels from the model on its own training batches.
        long seed = config.getInt("seed");
        int batch = config.getInt("batch_size");
        int block = config.getInt("block_size");
        Philox curvatureOrder = Philox.stream(seed, "data/curvature");
        var gnb = name.equals("sophiag")
                ? SophiaSupport.gaussNewtonBartlett(model, n -> TextDataset.batch(trainTokens, batch, block, curvatureOrder, n), seed,
                        config.getDouble("grad_clip"))
                : null;
        try (var scope = CurvatureContext.use(gnb, null); var zo = ZoContext.use(zoObjective)) {
            return OptimizerRegistry.defaults().create(name, model.parameters(), new HyperParams(args));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("optimizer " + name + ": " + e.getMessage());
        }
    }

    private void save(Path runDir, Gpt model, Optimizer opt, long step, CharTokenizer tok) throws IOException {
        float[] values = model.parameters().values();
        if (!Reductions.allFinite(values, 0, values.length)) {
            throw new TrainingStopped("parameters became non-finite before step " + step + "; the last good checkpoint is in "
                    + runDir.resolve(Checkpoint.DIR), step, false);
        }
        Checkpoint.save(runDir, model.parameters(), Gpt.TIED, opt, step, tok.vocabulary(), config);
        listener.onCheckpoint(step, runDir.resolve(Checkpoint.DIR));
    }

    private void logEval(BufferedWriter metrics, long step, double[] l) throws IOException {
        listener.onEval(step, l[0], l[1]);
        ObjectNode line = JSON.createObjectNode();
        line.put("step", step);
        line.put("train_loss", l[0]);
        line.put("val_loss", l[1]);
        metrics.write(JSON.writeValueAsString(line));
        metrics.newLine();
        metrics.flush();
    }

    /**
     * Mean loss over {@code eval_iters} batches of each split (nanoGPT's {@code estimate_loss}). The
     * evaluation batches are the same at every evaluation (stream (seed, "eval/split") at 0…), which
     * makes successive estimates comparable and leaves the training streams untouched.
     */
    double[] evaluate(Gpt model, int[] train, int[] val, int block, int batch, long seed, int iters) {
        double[] out = new double[2];
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            int[][] splits = {train, val};
            String[] names = {"train", "val"};
            for (int s = 0; s < 2; s++) {
                Philox rng = Philox.stream(seed, "eval/" + names[s]);
                double sum = 0;
                for (int i = 0; i < iters; i++) {
                    TextDataset.Batch b = TextDataset.batch(splits[s], batch, block, rng, i);
                    sum += model.loss(b.x(), b.y(), batch, block).item();
                }
                out[s] = sum / iters;
            }
        } finally {
            model.train(true);
        }
        return out;
    }

    /**
     * Tokens {@code [⌊start·n⌋, ⌊end·n⌋)} of the training split of n tokens ({@code train_start},
     * {@code train_end}): pre-training on {@code [0, 0.9)} leaves {@code [0.9, 1)} unseen for a
     * fine-tuning run, and both stay apart from the validation split.
     */
    static int[] trainSlice(int[] train, double start, double end) {
        int from = (int) (start * train.length);
        int to = (int) (end * train.length);
        if (from == 0 && to == train.length) return train;
        return java.util.Arrays.copyOfRange(train, from, to);
    }

    /** {@code torch.nn.utils.clip_grad_norm_}: scale all gradients by max/(‖g‖ + 1e-6) when that is below 1. */
    static double clipGlobalNorm(float[] grads, double max) {
        return dev.descent.optim.Transforms.clipGlobalNorm(grads, max);
    }

    /** The run configuration stored in a run folder, for {@code --resume}. */
    public static TrainConfig configOf(Path runDir) throws IOException {
        Path f = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + runDir + " has no config.yaml");
        return TrainConfig.load(f);
    }

}
