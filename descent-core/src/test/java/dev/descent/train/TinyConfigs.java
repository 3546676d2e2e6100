package dev.descent.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The 1-layer, 16-wide GPT configuration the trainer tests run (seconds per run); later overrides win. */
final class TinyConfigs {
    private TinyConfigs() {}

    static TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("n_layer=1", "n_head=2", "n_embd=16", "block_size=16", "batch_size=4",
                "max_iters=" + maxIters, "lr_decay_iters=12", "warmup_iters=2", "eval_interval=6", "eval_iters=2",
                "log_interval=1", "sample_tokens=20", "threads=2", "dropout=0.1", "out_dir=" + out));
        o.addAll(List.of(more));
        return TrainConfig.defaults().with(o);
    }
}
