package dev.descent.bench.peft;

import dev.descent.train.Checkpoint;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pre-trained base of a fine-tuning experiment, kept in a folder so that reruns (and the other
 * experiments pointed at it) reuse it: trained once with the experiment's recipe when the folder holds
 * no checkpoint yet.
 */
public final class PretrainedBase {
    private PretrainedBase() {}

    /**
     * Trains {@code recipe} (training config keys) for {@code iters} steps into {@code folder} unless it
     * already holds a checkpoint; returns {@code folder}.
     */
    public static Path ensure(Path folder, List<String> recipe, int iters, PrintStream p) throws IOException {
        if (!Files.isRegularFile(folder.resolve(Checkpoint.DIR).resolve("checkpoint.json"))) {
            List<String> keys = new ArrayList<>(recipe);
            keys.addAll(List.of("max_iters=" + iters, "lr_decay_iters=" + iters, "eval_interval=" + iters, "out_dir=" + folder));
            p.println("pre-training " + iters + " steps into " + folder);
            new Trainer(TrainConfig.defaults().with(keys).validate(), TrainListener.NONE).run(null, true);
        }
        return folder;
    }
}
