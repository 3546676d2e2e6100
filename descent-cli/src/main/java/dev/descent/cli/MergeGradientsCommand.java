package dev.descent.cli;

import dev.descent.data.CharTokenizer;
import dev.descent.merge.GradientSigns;
import dev.descent.nn.Gpt;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent merge-gradients --run RUN --out grads.safetensors}: the gradient file GradFix's merge
 * ({@code merge_method: gradfix}) reads, computed at a trained GPT run on a few labelled task problems.
 */
@Command(name = "merge-gradients", mixinStandardHelpOptions = true,
        description = "Compute the gradient file of merge_method gradfix (docs/merging.md): the SFT loss gradients of a GPT run "
                + "(the target model) on a few problems of its task, combined by a vote, written as safetensors.")
final class MergeGradientsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, description = "run folder of the target model (its checkpoint's weights)")
    Path run;

    @Option(names = "--task", description = "task of the problems (default: the run's task.json, as rl sft-warmup writes it); one of "
            + "addition, multiplication, countdown, sorting, parity")
    String task;

    @Option(names = "--set", description = "task setting key=value (with --task)")
    List<String> settings = new ArrayList<>();

    @Option(names = "--examples", defaultValue = "16", description = "labelled problems (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--seed", defaultValue = "0", description = "problem stream seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--vote", defaultValue = "max", description = "max: majority of per-example signs (the reference's default); "
            + "mean: the mean gradient (default: ${DEFAULT-VALUE})")
    String vote;

    @Option(names = "--out", required = true, description = "the gradient file to write (.safetensors; must not exist)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (examples < 1) throw new IllegalArgumentException("--examples must be >= 1, got " + examples);
        GradientSigns.Vote v = GradientSigns.Vote.parse(vote.toLowerCase(Locale.ROOT));
        if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists; choose another --out");
        Task t = task == null ? SftWarmup.taskOf(run) : Tasks.create(task, settingsMap());
        Gpt model = Sampler.load(run).model();
        CharTokenizer tok = new CharTokenizer(Checkpoint.info(run).vocabulary().toCharArray());
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < examples; i++) problems.add(t.problem(seed, i));
        var g = new java.util.LinkedHashMap<>(GradientSigns.ofTask(model, tok, t, problems, v));
        // only the checkpoint's names (a tied entry such as lm_head.weight is there only if the run wrote it)
        var names = dev.descent.io.Safetensors.readHeader(Checkpoint.locate(run).resolve("model.safetensors")).tensors().keySet();
        g.keySet().retainAll(names);
        GradientSigns.write(out, g, v, examples);
        spec.commandLine().getOut().printf("%s: %d tensors, vote %s over %d %s problems%n", out, g.size(), v.name().toLowerCase(Locale.ROOT),
                examples, t.name());
        return 0;
    }

    private Map<String, String> settingsMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : settings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--set " + kv + ": expected key=value");
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
