package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent train} with a {@code peft:} section, {@code sample} from the LoRA run and {@code peft merge}. */
class PeftCommandTest {
    @TempDir
    Path tmp;

    private static CliRun train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--set", "n_layer=1", "--set", "n_head=2", "--set", "n_embd=16", "--set",
                "block_size=16", "--set", "batch_size=4", "--set", "max_iters=3", "--set", "eval_iters=2", "--set", "eval_interval=3",
                "--set", "sample_tokens=5", "--set", "threads=1", "--set", "out_dir=" + out));
        for (String m : more) {
            a.add("--set");
            a.add(m);
        }
        return CliRun.runCapturingSystemOut(a.toArray(String[]::new));
    }

    @Test
    void loraTrainSampleAndMerge() {
        Path base = tmp.resolve("base");
        assertEquals(0, train(base).exit());
        Path ft = tmp.resolve("ft");
        CliRun r = train(ft, "init_from=" + base, "peft.r=2", "peft.target_modules=c_attn");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(ft.resolve("checkpoint/adapter_model.safetensors")));
        CliRun s = CliRun.runCapturingSystemOut("sample", "--run", ft.toString(), "--prompt", "A", "--tokens", "5");
        assertEquals(0, s.exit(), s.err());
        Path merged = tmp.resolve("merged");
        CliRun m = CliRun.runCapturingSystemOut("peft", "merge", "--run", ft.toString(), "--out", merged.toString());
        assertEquals(0, m.exit(), m.err());
        assertTrue(Files.isRegularFile(merged.resolve("checkpoint/model.safetensors")));
        CliRun.runCapturingSystemOut("peft", "merge", "--run", base.toString(), "--out", tmp.resolve("m2").toString())
                .assertBadInput("is not a LoRA run");
        assertFalse(Files.exists(tmp.resolve("m2")));
        train(tmp.resolve("bad"), "init_from=" + base, "peft.r=2", "peft.target_modules=q_proj").assertBadInput("matches no module");
        train(tmp.resolve("bad"), "init_from=" + base, "peft.r=20", "peft.target_modules=c_attn").assertBadInput("exceeds");
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing written");
    }
}
