package dev.descent.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.NoGrad;
import dev.descent.data.CharTokenizer;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Reductions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The character-level GPT recipe, read top to bottom as nanoGPT's {@code train.py}: the
 * {@link GptObjective} (batch {@code step} of the training tokens) and a callback on the
 * {@link TrainingLoop}, which sets the learning rate from the schedule, takes the loss and gradient,
 * clips the global gradient norm and steps the optimizer (a zeroth-order optimizer instead evaluates
 * the step's batch itself: no backward, no clipping). Every {@code eval_interval} steps the callback
 * estimates train and validation loss on fixed evaluation batches and writes a checkpoint; a
 * checkpoint is written only when its weights and its evaluated losses are finite, so the last
 * good one is never replaced by a diverged state.
 *
 * <p>Run folders: a new run refuses a folder that already holds a run unless asked to overwrite
 * it, and never starts from its own folder ({@code init_from} = {@code out_dir}); leftovers of an
 * interrupted checkpoint write are removed when a run starts; on resume, {@code metrics.jsonl} is
 * cut back to the checkpoint's step.
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
                         double tokensPerSecond, double mfu, double peakGflops, String sample, ModelStateBytes modelState) {}

    /** The run's configuration; a start from a bare safetensors file fills in the model sizes read from its shapes. */
    private TrainConfig config;
    private final TrainListener listener;
    /** Set when a stop is asked; the loop, once it exists, is told too. */
    private volatile boolean stopRequested;
    private volatile TrainingLoop loop;
    /** True from the moment all input is read until the run ends: a stop then writes a checkpoint. */
    private volatile boolean training;

    public Trainer(TrainConfig config, TrainListener listener) {
        this.config = config.validate();
        this.listener = listener;
    }

    /**
     * Asks the run to write a checkpoint and stop after the current step (called from a signal
     * handler). Returns true when the run is training and will write that checkpoint (the caller
     * may wait for it), false when it is still reading its input (nothing to save: the process may
     * exit at once, even if a read blocks, e.g. on a FIFO).
     */
    public boolean requestStop() {
        stopRequested = true;
        TrainingLoop l = loop;
        if (l != null) l.requestStop();
        return training;
    }

    /** Starts a new run in {@code out_dir}, or continues the run in {@code resumeDir} when it is not null. */
    public Result run(Path resumeDir) throws IOException {
        return run(resumeDir, false);
    }

    /**
     * Starts a new run in {@code out_dir} (replacing a run already there only when {@code overwrite}),
     * or continues the run in {@code resumeDir} when it is not null.
     */
    public Result run(Path resumeDir, boolean overwrite) throws IOException {
        Parallel.setThreads(config.getInt("threads"));
        String dataset = config.getString("dataset");
        Path runDir = resumeDir != null ? resumeDir : Path.of(config.getString("out_dir"));
        String init = config.getString("init_from");
        if (resumeDir == null && !init.equals("scratch") && RunFolder.same(Path.of(init), runDir)) {
            throw new ConfigException("init_from and out_dir are the same folder (" + runDir + "); write the fine-tuned run to a fresh out_dir");
        }
        TextDataset data = dataset.equals(TextDataset.SHAKESPEARE) ? TextDataset.shakespeare() : TextDataset.fromFile(Path.of(dataset));
        CharTokenizer tok = data.tokenizer();
        dev.descent.peft.LoraConfig lora = config.lora();
        dev.descent.peft.PeftVariant variant = config.peftVariant();
        dev.descent.quant.QuantizeConfig quantize = config.quantization();
        // The base weights: read now (before the model is built) for a new fine-tuning run, and for a
        // resumed LoRA run, whose checkpoint holds the adapter only.
        Map<String, dev.descent.tensor.Tensor> base = null;
        if (!init.equals("scratch") && (resumeDir == null || lora != null)) {
            Path from = Path.of(init);
            base = BaseWeights.read(from);
            if (BaseWeights.isFile(init)) {
                GptConfig shapes = BaseWeights.configFromShapes(init, base, config.getInt("n_head"), 0f);
                if (shapes.vocabSize() != tok.vocabSize()) {
                    throw new IllegalArgumentException("init_from: " + init + " has a vocabulary of " + shapes.vocabSize()
                            + " tokens; the dataset's has " + tok.vocabSize());
                }
                config = config.with(java.util.List.of("n_layer=" + shapes.nLayer(), "n_embd=" + shapes.nEmbd(),
                        "block_size=" + shapes.blockSize(), "bias=" + shapes.bias())).validate();
            } else if (!Checkpoint.info(from).vocabulary().equals(tok.vocabulary())) {
                throw new IllegalArgumentException("init_from: checkpoint in " + from + " was trained on another vocabulary");
            }
        }
        int block = config.getInt("block_size");
        int batch = config.getInt("batch_size");
        GptConfig gc = new GptConfig(tok.vocabSize(), block, config.getInt("n_layer"), config.getInt("n_head"),
                config.getInt("n_embd"), (float) config.getDouble("dropout"), config.getBool("bias"));
        long seed = config.getInt("seed");
        TrainingMemory.check(config, tok.vocabSize());
        Gpt model = new Gpt(gc, seed);
        if (base != null) BaseWeights.copyInto(init, base, model.namedParameters());
        // QLoRA: the base's linear layers packed and frozen, after its weights are in and before the adapters
        // wrap them; quantizing is a function of the weights, so a resumed run rebuilds the same packed base.
        dev.descent.quant.QuantizeConfig.Applied quantized = quantize == null ? null : quantize.apply(model);
        dev.descent.peft.Lora.Applied applied = null;
        dev.descent.peft.IncreLora.Built increlora = null;
        if (lora != null) {
            lora = lora.withBase(init.equals("scratch") ? null : Path.of(init).toAbsolutePath().normalize().toString());
        }
        int[] trainTokens = trainSlice(data.train(), config.getDouble("train_start"), config.getDouble("train_end"));
        dev.descent.optim.Schedule schedule = config.getBool("decay_lr")
                ? dev.descent.optim.Schedules.nanoGpt(config.getDouble("learning_rate"), config.getDouble("min_lr"),
                        config.getInt("warmup_iters"), config.getInt("lr_decay_iters"))
                : dev.descent.optim.Schedules.constant(config.getDouble("learning_rate"));
        if (lora != null && variant.kind() == dev.descent.peft.PeftVariant.Kind.LORA_SB) {
            // LoRA-SB initialises from the full gradient of the base weights, accumulated here on the
            // unflattened model (a pure function of the seed and the data, so a resumed run recomputes it).
            accumulateInitGradient(model, trainTokens, batch, block, seed, variant.loraSbInitSamples());
            applied = dev.descent.peft.LoraSb.apply(model, lora, ADAPTER, schedule.at(0), model.dropoutStreams());
        } else if (lora != null && variant.kind() == dev.descent.peft.PeftVariant.Kind.INCRELORA) {
            increlora = dev.descent.peft.IncreLora.apply(model, lora, ADAPTER, variant.increlora(), seed, model.dropoutStreams());
            applied = increlora.applied();
        } else if (lora != null && variant.kind() == dev.descent.peft.PeftVariant.Kind.TERA) {
            applied = dev.descent.peft.Tera.apply(model, lora, seed, model.dropoutStreams());
        } else if (lora != null && variant.kind() == dev.descent.peft.PeftVariant.Kind.HUT) {
            applied = dev.descent.peft.Hut.apply(model, lora, ADAPTER, seed, model.dropoutStreams());
        } else if (lora != null) {
            applied = dev.descent.peft.Lora.apply(model, lora, ADAPTER, seed, model.dropoutStreams());
        }
        GptObjective objective = new GptObjective(model, trainTokens, batch, block, seed, config.getDouble("grad_clip"));
        Optimizer opt = buildOptimizer(model, objective);
        if (lora != null && variant.kind() == dev.descent.peft.PeftVariant.Kind.LORA_PRO) {
            opt = new dev.descent.peft.LoraProOptimizer(opt, dev.descent.peft.Lora.adapterPairs(model, ADAPTER));
        }
        if (increlora != null) {
            opt = new dev.descent.peft.IncreLoraOptimizer(opt, increlora.layers(), increlora.allocator(), variant.increlora().advanceLearn(), seed);
        }
        // The schedule reads the optimizer's configured learning rates now, before a checkpoint replaces them.
        TrainingLoop l = new TrainingLoop(opt, objective, model.parameters().grads())
                .schedule(schedule::at, config.getDouble("learning_rate"))
                .clip(config.getDouble("grad_clip"));
        long start = 0;
        Path lastGood = null;
        if (resumeDir != null) {
            Checkpoint.removeLeftovers(resumeDir);
            Checkpoint.Info info = Checkpoint.info(resumeDir);
            if (!info.vocabulary().equals(tok.vocabulary())) {
                throw new IllegalArgumentException("checkpoint in " + resumeDir + " was trained on another vocabulary");
            }
            Checkpoint.loadWeights(resumeDir, model.parameters(), lora != null);
            Checkpoint.loadOptimizer(resumeDir, opt);
            start = info.step();
            lastGood = Checkpoint.locate(resumeDir);
            RunFolder.truncateMetrics(resumeDir, start);
        } else {
            // Fine-tuning (init_from): the base weights were copied in above; a fresh optimizer and step 0 (nanoGPT's init_from).
            RunFolder.prepare(runDir, overwrite);
        }
        Files.writeString(runDir.resolve("config.yaml"), config.toYaml());
        int maxIters = config.getInt("max_iters");

        // The quantized weights are no longer parameters, but the model still computes with them.
        long modelParams = model.parameterCount() + (quantized == null ? 0 : quantized.elements());
        long nonEmbedding = modelParams - (long) block * gc.nEmbd();
        double flopsPerIter = (6.0 * nonEmbedding + 12.0 * gc.nLayer() * gc.nEmbd() * block) * block * batch;
        training = true;
        // The machine's peak, measured before training (PeakFlops warms the kernel up itself), so that
        // the run's utilisation is reported against a number known before it started.
        double peak = PeakFlops.measureGflops();
        listener.onStart(start, maxIters, modelParams);
        listener.onMessage(String.format("model: %,d parameters; %d threads", modelParams, Parallel.threads()));
        if (applied != null) {
            listener.onMessage(String.format("LoRA: %d layers (%s), %,d trainable parameters of %,d", applied.layers().size(),
                    String.join(", ", applied.layers()), applied.trainable(), modelParams));
        }
        if (quantized != null) {
            listener.onMessage(String.format("quantized: %d layers to %s, %,d bytes packed", quantized.layers().size(),
                    quantize.format().id() + (quantize.format() == dev.descent.quant.WeightFormat.NF4 && quantize.doubleQuant() ? " (double quant)" : ""),
                    quantized.packedBytes()));
        }

        Recipe recipe = new Recipe(runDir, model, objective.arena(), opt, tok, data, trainTokens, start, lastGood,
                adapterFiles(model, lora, variant, seed));
        l.callback(recipe);
        loop = l;
        if (stopRequested) l.requestStop();
        TrainingLoop.Outcome outcome;
        double lastTrain;
        double lastVal;
        try (BufferedWriter metrics = Files.newBufferedWriter(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            recipe.metrics = metrics;
            outcome = l.run(start, maxIters);
            if (outcome.diverged()) {
                long k = outcome.next();
                throw new TrainingStopped("loss became " + (float) outcome.last().report().loss() + " at step " + k + "; "
                        + recipe.lastGoodMessage(), k, false);
            }
            if (outcome.interrupted()) {
                long done = outcome.next();
                recipe.save(done, null);
                throw new TrainingStopped("interrupted after step " + done + "; checkpoint written to "
                        + runDir.resolve(Checkpoint.DIR) + "; continue with --resume " + runDir, done, true);
            }
            int finalIters = config.getInt("final_eval_iters");
            double[] ls = evaluate(model, objective.arena(), trainTokens, data.val(), block, batch, seed,
                    finalIters > 0 ? finalIters : config.getInt("eval_iters"));
            lastTrain = ls[0];
            lastVal = ls[1];
            recipe.logEval(outcome.next(), ls);
            recipe.save(outcome.next(), ls);
        } finally {
            training = false;
        }
        long step = outcome.next();
        String sample = "";
        int sampleTokens = config.getInt("sample_tokens");
        if (sampleTokens > 0) {
            int[] out = model.generate(tok.encode("\n"), sampleTokens, 0.8f, 200, Philox.stream(seed, "sample"));
            sample = tok.decode(out);
            Files.writeString(runDir.resolve("samples.txt"), sample);
        }
        long steps = step - start;
        double trainSeconds = l.trainSeconds();
        double tokensPerSecond = trainSeconds > 0 ? steps * (double) batch * block / trainSeconds : 0;
        if (!opt.needsGradients() && steps > 0) {
            // Zeroth-order steps are forward passes only: a third of forward + backward each, times the evaluations per step.
            double evaluations = (double) recipe.queries / steps;
            flopsPerIter = flopsPerIter / 3 * evaluations;
        }
        double mfu = trainSeconds > 0 ? steps * flopsPerIter / trainSeconds / (peak * 1e9) : 0;
        ModelStateBytes state = ModelStateBytes.of(model, model.parameters(), opt);
        listener.onMessage(String.format("model state: %,d bytes (packed %,d, frozen %,d, trainable %,d, gradients %,d, optimizer %,d)",
                state.total(), state.packed(), state.frozen(), state.trainable(), state.gradients(), state.optimizerState()));
        return new Result(runDir, step, lastTrain, lastVal, trainSeconds, tokensPerSecond, mfu, peak, sample, state);
    }

    /** The recipe's part of each step: logging, evaluation and checkpoints of the run folder. */
    private final class Recipe implements TrainingLoop.Callback {
        private final Path runDir;
        private final Gpt model;
        private final Optimizer opt;
        /** The training objective's arena, which the periodic evaluations borrow between steps. */
        private final ActivationArena arena;
        private final CharTokenizer tok;
        private final TextDataset data;
        private final int[] trainTokens;
        private final long start;
        private final int evalInterval = config.getInt("eval_interval");
        private final int logInterval = config.getInt("log_interval");
        private final int tokensPerStep = config.getInt("batch_size") * config.getInt("block_size");
        /** The folder of the last checkpoint written with finite weights and losses, or null while there is none. */
        private Path lastGood;
        private long lastGoodStep;
        /** Objective evaluations of the steps of this run (for the zeroth-order MFU). */
        long queries;
        BufferedWriter metrics;

        /** The adapter files of a LoRA run's checkpoints, or null. */
        private final Checkpoint.Extra adapter;

        Recipe(Path runDir, Gpt model, ActivationArena arena, Optimizer opt, CharTokenizer tok, TextDataset data, int[] trainTokens,
               long start, Path lastGood, Checkpoint.Extra adapter) {
            this.adapter = adapter;
            this.arena = arena;
            this.runDir = runDir;
            this.model = model;
            this.opt = opt;
            this.tok = tok;
            this.data = data;
            this.trainTokens = trainTokens;
            this.start = start;
            this.lastGood = lastGood;
            this.lastGoodStep = start;
        }

        /** Every eval_interval steps (not at the first step of this run): estimate the losses, then checkpoint. */
        @Override
        public void beforeStep(long step) throws IOException {
            if (step % evalInterval != 0 || step <= start) return;
            double[] l = evaluate(model, arena, trainTokens, data.val(), config.getInt("block_size"), config.getInt("batch_size"),
                    config.getInt("seed"), config.getInt("eval_iters"));
            logEval(step, l);
            save(step, l);
        }

        @Override
        public void afterStep(TrainingLoop.Step s) throws IOException {
            queries += s.report().queries();
            if (s.report().wasSkipped()) {
                listener.onMessage("step " + s.number() + ": zeroth-order update skipped (" + s.report().skipped() + "); parameters restored");
            }
            float loss = (float) s.report().loss();
            double tps = tokensPerStep / s.seconds();
            listener.onStep(s.number(), config.getInt("max_iters"), loss, s.learningRate(), tps, s.trainSeconds());
            if (s.number() % logInterval == 0 || s.index() == start) {
                ObjectNode line = JSON.createObjectNode();
                line.put("step", s.number());
                line.put("loss", loss);
                line.put("lr", s.learningRate());
                line.put("step_seconds", s.seconds());
                line.put("tokens_per_second", tps);
                metrics.write(JSON.writeValueAsString(line));
                metrics.newLine();
                metrics.flush();
            }
        }

        /**
         * Writes the checkpoint of {@code step} if it is good: finite weights and, when given, finite
         * evaluated losses. Otherwise the run stops and the last good checkpoint stays as it is.
         */
        void save(long step, double[] losses) throws IOException {
            float[] values = model.parameters().values();
            String bad = null;
            if (!Reductions.allFinite(values, 0, values.length)) bad = "parameters became non-finite";
            else if (losses != null && !Double.isFinite(losses[0])) bad = "train loss became " + losses[0];
            else if (losses != null && !Double.isFinite(losses[1])) bad = "validation loss became " + losses[1];
            if (bad != null) throw new TrainingStopped(bad + " at step " + step + "; " + lastGoodMessage(), step, false);
            Checkpoint.save(runDir, model.parameters(), Gpt.TIED, opt, step, tok.vocabulary(), config, adapter);
            lastGood = runDir.resolve(Checkpoint.DIR);
            lastGoodStep = step;
            listener.onCheckpoint(step, lastGood);
        }

        String lastGoodMessage() {
            return lastGood == null
                    ? "no checkpoint was written (none had finite weights and losses yet)"
                    : "the last good checkpoint (step " + lastGoodStep + ") is in " + lastGood;
        }

        void logEval(long step, double[] l) throws IOException {
            listener.onEval(step, l[0], l[1]);
            ObjectNode line = JSON.createObjectNode();
            line.put("step", step);
            line.put("train_loss", l[0]);
            line.put("val_loss", l[1]);
            metrics.write(JSON.writeValueAsString(line));
            metrics.newLine();
            metrics.flush();
        }
    }

    /**
     * Sums into the (unflattened) model's parameter gradients the gradients of the mean loss of
     * ⌈samples / batch⌉ batches of training sequences (the last one cut to the remaining count), drawn
     * from the stream {@code (seed, "lora_sb/init")}: LoRA-SB's estimate of the first full gradient.
     */
    private static void accumulateInitGradient(Gpt model, int[] tokens, int batch, int block, long seed, int samples) {
        Philox rng = Philox.stream(seed, "lora_sb/init");
        model.beginStep(-1);
        int done = 0;
        for (int i = 0; done < samples; i++) {
            int n = Math.min(batch, samples - done);
            TextDataset.Batch b = TextDataset.batch(tokens, n, block, rng, i);
            model.loss(b.x(), b.y(), n, block).backward();
            done += n;
        }
    }

    /** The name of the adapter a LoRA run trains (PEFT's default adapter name). */
    public static final String ADAPTER = "default";

    /**
     * A LoRA run's checkpoints: {@code model.safetensors} with the trainable parameters only (the base
     * is {@code init_from}'s), plus the adapter in PEFT's files. Null for a run without {@code peft}.
     */
    private static Checkpoint.Extra adapterFiles(Gpt model, dev.descent.peft.LoraConfig lora, dev.descent.peft.PeftVariant variant, long seed) {
        if (lora == null) return null;
        boolean sb = variant.kind() == dev.descent.peft.PeftVariant.Kind.LORA_SB;
        boolean inc = variant.kind() == dev.descent.peft.PeftVariant.Kind.INCRELORA;
        return new Checkpoint.Extra() {
            @Override
            public boolean trainableOnly() { return true; }

            @Override
            public void write(Path folder) throws IOException {
                if (sb) dev.descent.peft.LoraSb.save(folder, model, lora);
                else if (inc) dev.descent.peft.IncreLora.save(folder, model, lora);
                else if (variant.kind() == dev.descent.peft.PeftVariant.Kind.TERA) dev.descent.peft.Tera.save(folder, model, lora, seed);
                else if (variant.kind() == dev.descent.peft.PeftVariant.Kind.HUT) dev.descent.peft.Hut.save(folder, model, lora);
                else dev.descent.peft.AdapterFiles.save(folder, model, lora, ADAPTER);
            }
        };
    }

    /**
     * {@code adamw} is nanoGPT's AdamW (fused; decay on matrices; learning_rate, beta1, beta2,
     * weight_decay from the config). Any other registered optimizer is built from the registry with
     * {@code optimizer_args} and the objective's curvature estimators (SophiaG's Gauss–Newton–Bartlett);
     * its {@code lr} defaults to {@code learning_rate}. Zeroth-order optimizers ({@code mezo},
     * {@code zo_sgd}, {@code zo_adam}, …) evaluate the objective the loop hands them at each step.
     */
    private Optimizer buildOptimizer(Gpt model, GptObjective objective) {
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
        try {
            if (name.equals("ar1_zo")) {
                // AR1-ZO reads the LoRA atom structure (and sets the forward scale) from the adapter modules themselves.
                var params = dev.descent.optim.ParamSet.of(model.parameters());
                var hyper = new HyperParams(args);
                var atoms = dev.descent.zo.LoraAtoms.of(params, dev.descent.peft.Lora.adapterPairs(model, ADAPTER));
                var opt = dev.descent.zo.ZerothOrderOptimizers.ar1Zo(params, atoms, dev.descent.zo.Ar1ZoHyper.SPEC.bind(hyper), null);
                hyper.checkAllUsed(name);
                return opt;
            }
            return OptimizerRegistry.defaults().create(name, dev.descent.optim.ParamSet.of(model.parameters()), model.parameters().grads(),
                    new HyperParams(args), objective.curvature());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("optimizer " + name + ": " + e.getMessage());
        }
    }

    /**
     * Mean loss over {@code eval_iters} batches of each split (nanoGPT's {@code estimate_loss}). The
     * evaluation batches are the same at every evaluation (stream (seed, "eval/split") at 0…), which
     * makes successive estimates comparable and leaves the training streams untouched.
     *
     * <p>Every batch's forward pass runs in {@code arena} (reset before each batch; the trainer passes
     * the training objective's), so one set of activation buffers serves all the batches. Without
     * it an evaluation allocated every activation of every batch (3 GB a batch at nanoGPT's default
     * size), and its young collections took 0.25-1.4 s each. The arena gives the same values: its
     * buffers are zero-filled or written in full before they are read.
     */
    double[] evaluate(Gpt model, ActivationArena arena, int[] train, int[] val, int block, int batch, long seed, int iters) {
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
                    arena.reset();
                    sum += model.loss(b.x(), b.y(), batch, block, arena).item();
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

    /** The run configuration stored in a run folder, for {@code --resume}. */
    public static TrainConfig configOf(Path runDir) throws IOException {
        Path f = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + runDir + " has no config.yaml");
        return TrainConfig.load(f);
    }

}
