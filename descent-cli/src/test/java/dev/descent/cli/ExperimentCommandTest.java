package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.bench.experiment.Experiment;
import dev.descent.bench.experiment.Experiments;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentCommandTest {
    @Test
    void listNamesEveryExperimentWithItsOptionsAndDefaults() {
        CliRun r = run("experiment", "list");
        assertEquals(0, r.exit(), r.err());
        List<String> names = Experiments.all().stream().map(Experiment::name).toList();
        for (String name : List.of("zovh-hessian", "zovh-convergence", "deepzero-digits", "rise-continual", "bolt", "lora-rank-snr",
                "grpo-variants", "drift", "lora-variants", "continual", "merge-experts", "merge-gradfix", "fed-noniid", "dp-digits", "delay-braking"))
            assertTrue(names.contains(name), name + " in " + names);
        for (Experiment e : Experiments.all()) {
            assertTrue(r.out().contains(e.name() + "\n  " + e.description()), r.out());
            for (String key : e.options().fields().keySet()) assertTrue(r.out().contains("    " + key + " "), key + " in " + r.out());
        }
        assertTrue(r.out().contains("eval     default task"), r.out());
    }

    @Test
    void runPrintsTheReportOrItsResultsAsJson() throws Exception {
        CliRun text = run("experiment", "run", "deepzero-digits", "--set", "steps=1", "--set", "seeds=1");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("MLP 64-32-10 on digits, 1 steps of batch 64, 1 seeds"), text.out());
        assertTrue(text.out().contains("| method | test accuracy | forward passes per run | wall time per run |"), text.out());
        CliRun json = run("experiment", "run", "deepzero-digits", "--set", "steps=1", "--set", "seeds=1", "--json");
        assertEquals(0, json.exit(), json.err());
        String[] lines = json.out().strip().split("\n");
        assertEquals(1, lines.length, json.out());
        JsonNode n = new ObjectMapper().readTree(lines[0]);
        assertEquals("deepzero-digits", n.get("experiment").asText());
        assertEquals(1, n.get("options").get("steps").asInt());
        // Same computation, same table except the wall-time column.
        String[] a = text.out().split("\n");
        String[] b = n.get("markdown").asText().split("\n");
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(a[i].replaceAll("\\| [0-9.]+ s \\|$", ""), b[i].replaceAll("\\| [0-9.]+ s \\|$", ""));
    }

    @Test
    void badInputExitsWithCodeTwoAndOneLine() {
        String valid = String.join(", ", Experiments.all().stream().map(Experiment::name).toList());
        run("experiment", "run", "deepzero").assertBadInput("unknown experiment 'deepzero'; valid: " + valid);
        run("experiment", "run", "merge-experts", "--set", "families=gpt,cnn").assertBadInput("families: unknown family 'cnn'; valid: gpt, mlp");
        run("experiment", "run", "deepzero-digits", "--set", "stepz=3").assertBadInput("unknown config key 'stepz'; valid keys: steps, seeds");
        run("experiment", "run", "deepzero-digits", "--set", "steps=fast").assertBadInput("config key 'steps' = \"fast\" has the wrong type; allowed: an integer >= 1");
        run("experiment", "run", "rise-continual", "--set", "eval=both").assertBadInput("allowed: one of [task, class]");
        run("experiment", "run", "rise-continual", "--set", "lr=0").assertBadInput("lr must be > 0, got 0.0");
        run("experiment", "run", "quzo-gpt", "--set", "bits=8,9").assertBadInput("bits: '9' is not supported; allowed: integers 2..8");
        run("experiment", "run", "quzo-gpt", "--set", "methods=mezo,quzo-3").assertBadInput("methods: 'quzo-3' is not known; valid: mezo, rtn-8, quzo-8, quzo-master-8, rtn-4");
        run("experiment", "run", "bolt", "--set", "betas=0.5,x").assertBadInput("betas must be a comma-separated list of numbers > 0, got '0.5,x'");
        run("experiment", "run", "grpo-variants", "--set", "variants=grpo,bogus")
                .assertBadInput("unknown variant 'bogus'; valid: grpo, redit, qae, cppo, entropy_top20, dynamic_sampling, ppo");
        run("experiment", "run", "zovh-convergence", "--set", "budget=10").assertBadInput("config key 'budget' = 10 is out of range; allowed: an integer >= 1000");
        run("experiment", "run", "ar1zo-speaker-rank", "--set", "methods=mezo,sgd").assertBadInput("methods: unknown method 'sgd'; valid: mezo, atom, ar1_zo, adamw");
        run("experiment", "run", "ar1zo-speaker-rank", "--set", "ranks=4,2.5").assertBadInput("ranks: '2.5' is not a positive integer");
        run("experiment", "run", "ar1zo-speaker-rank", "--set", "scoring=noisy").assertBadInput("scoring: unknown value 'noisy'; valid: direct, channel");
        run("experiment", "run", "ar1zo-speaker-rank", "--set", "speakers=1").assertBadInput("speakers: 1 must be at least 2");
        run("experiment", "run", "caqzo-nf4-speaker", "--set", "scoring=noisy").assertBadInput("scoring: unknown value 'noisy'; valid: direct, channel");
        run("experiment", "run", "caqzo-nf4-speaker", "--set", "mus=0.01").assertBadInput("mus has 1 values, offgrid_lrs 3; give one lr per μ");
    }
}
