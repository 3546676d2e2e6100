package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.train.TrainConfig;
import dev.descent.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent train}: train the character-level GPT from a YAML config. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a character-level GPT (nanoGPT's shakespeare_char recipe) from a YAML config.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML file of config keys (see examples/shakespeare-char.yaml)")
    Path config;

    @Option(names = "--set", description = "override a key: --set key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "continue the run in this folder from its checkpoint")
    Path resume;

    @Option(names = "--json", description = "print a JSON summary as the last line of standard output")
    boolean json;

    @Option(names = "--overwrite", description = "replace the run already in out_dir (its checkpoints and metrics are deleted)")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        TrainConfig cfg;
        if (resume != null) {
            cfg = Trainer.configOf(resume);
            if (config != null) cfg = cfg.mergeFile(config);
        } else {
            cfg = config != null ? TrainConfig.load(config) : TrainConfig.defaults();
        }
        cfg = cfg.with(overrides).validate();
        if (overwrite && resume != null) throw new IllegalArgumentException("--overwrite starts a new run; it cannot be combined with --resume");
        Trainer.Result r = run(cfg, resume, overwrite);
        System.out.printf("done: %d iters, train loss %.4f, val loss %.4f, %.1f s training, %,.0f tok/s, MFU %.1f%%%n",
                r.iters(), r.finalTrainLoss(), r.finalValLoss(), r.trainSeconds(), r.tokensPerSecond(), 100 * r.mfu());
        System.out.println("run folder: " + r.runDir().toAbsolutePath());
        if (json) System.out.println(summaryJson(r));
        return 0;
    }

    /**
     * Runs {@code cfg}, drawing progress on standard error and saving a checkpoint on Ctrl-C or
     * SIGTERM. The signal handler waits (up to a minute) for that checkpoint only once training has
     * started; while the run still reads its input (a FIFO dataset may block) the process exits at once.
     */
    static Trainer.Result run(TrainConfig cfg, Path resume) throws Exception {
        return run(cfg, resume, false);
    }

    static Trainer.Result run(TrainConfig cfg, Path resume, boolean overwrite) throws Exception {
        Trainer trainer = new Trainer(cfg, new ProgressBar(System.err));
        Thread main = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!trainer.requestStop()) return; // still reading input: nothing to save
            try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "descent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return trainer.run(resume, overwrite);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting because of the signal; the hook is already running.
            }
            if (main.isInterrupted()) Thread.interrupted();
        }
    }

    static String summaryJson(Trainer.Result r) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("final_val_loss", r.finalValLoss());
        n.put("final_train_loss", r.finalTrainLoss());
        n.put("iters", r.iters());
        n.put("train_seconds", r.trainSeconds());
        n.put("tokens_per_second", r.tokensPerSecond());
        n.put("mfu", r.mfu());
        n.put("peak_gflops", r.peakGflops());
        n.put("model_state_bytes", r.modelState().total());
        n.put("run_dir", r.runDir().toAbsolutePath().toString());
        return n.toString();
    }
}
