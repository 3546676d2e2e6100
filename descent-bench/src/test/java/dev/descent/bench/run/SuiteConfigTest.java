package dev.descent.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.bench.problems.BenchProblems;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteConfigTest {
    private static final OptimizerRegistry REGISTRY = OptimizerRegistry.defaults();

    private static List<RunSpec> expand(String yaml) {
        return SuiteConfig.parse(yaml, "test.yaml", "test", REGISTRY).expand(null);
    }

    private static RuntimeException error(String yaml) {
        return assertThrows(RuntimeException.class, () -> expand(yaml));
    }

    @Test
    void listValuedHyperparametersExpandAsACartesianGridInAFixedOrder() {
        List<RunSpec> specs = expand("""
                seeds: [3, 5]
                steps: 40
                eval_every: 10
                optimizers:
                  - adamw
                  - {name: sgd, hyper: {lr: [0.1, 0.01], momentum: [0, 0.9]}}
                problems: [quadratic]
                """);
        List<String> got = new ArrayList<>();
        for (RunSpec s : specs) got.add(s.optimizer() + " " + s.hyper() + " " + s.seed());
        assertEquals(List.of(
                "adamw {} 3", "adamw {} 5",
                "sgd {lr=0.1, momentum=0} 3", "sgd {lr=0.1, momentum=0} 5",
                "sgd {lr=0.1, momentum=0.9} 3", "sgd {lr=0.1, momentum=0.9} 5",
                "sgd {lr=0.01, momentum=0} 3", "sgd {lr=0.01, momentum=0} 5",
                "sgd {lr=0.01, momentum=0.9} 3", "sgd {lr=0.01, momentum=0.9} 5"), got);
        for (RunSpec s : specs) {
            assertEquals(40, s.steps());
            assertEquals(10, s.evalEvery());
            assertEquals("quadratic", s.problem());
        }
    }

    @Test
    void yamlValuesBecomeTheStringsJacksonReads() {
        RunSpec s = expand("optimizers: [{name: sgd, hyper: {lr: 3e-4, momentum: 0.90, dampening: 1.0, nesterov: true, x: 5, y: abc}}]\n"
                + "problems: [quadratic]\n").get(0);
        assertEquals(Map.of("lr", "3.0E-4", "momentum", "0.9", "dampening", "1.0", "nesterov", "true", "x", "5", "y", "abc"), s.hyper());
        assertEquals(s.runId(), expand("optimizers: [{name: sgd, hyper: {lr: 0.0003, momentum: 0.9, dampening: 1.0, nesterov: true, x: 5, y: abc}}]\n"
                + "problems: [quadratic]\n").get(0).runId());
    }

    @Test
    void optimizersAllTakesEveryRegisteredOptimizerWithItsDefaults() {
        List<RunSpec> specs = expand("optimizers: all\nproblems: [rosenbrock]\n");
        List<String> names = new ArrayList<>();
        for (OptimizerInfo i : REGISTRY.all()) names.add(i.name());
        assertEquals(names.size(), specs.size());
        for (int i = 0; i < specs.size(); i++) {
            assertEquals(names.get(i), specs.get(i).optimizer());
            assertEquals(Map.of(), specs.get(i).hyper());
            assertEquals(0, specs.get(i).seed());
            // No steps given anywhere: the problem's defaults.
            assertEquals(BenchProblems.byName("rosenbrock").defaultSteps(), specs.get(i).steps());
            assertEquals(BenchProblems.byName("rosenbrock").defaultEvalEvery(), specs.get(i).evalEvery());
        }
    }

    @Test
    void hyperparametersMergeFromTheLeastToTheMostSpecific() {
        List<RunSpec> specs = expand("""
                optimizers:
                  - {name: sgd, hyper: {lr: 1, momentum: 0.5, dampening: 0.1}}
                  - {name: adamw, hyper: {lr: 1}}
                overrides:
                  sgd: {momentum: 0.6, nesterov: false}
                problems:
                  - name: quadratic
                    steps: 7
                    eval_every: 3
                    hyper: {lr: 2}
                    overrides: {sgd: {nesterov: true}}
                  - rosenbrock
                """);
        assertEquals(4, specs.size());
        assertEquals("quadratic sgd {dampening=0.1, lr=2, momentum=0.6, nesterov=true} seed 0", specs.get(0).label());
        assertEquals(7, specs.get(0).steps());
        assertEquals(3, specs.get(0).evalEvery());
        assertEquals("quadratic adamw {lr=2} seed 0", specs.get(1).label());
        assertEquals("rosenbrock sgd {dampening=0.1, lr=1, momentum=0.6, nesterov=false} seed 0", specs.get(2).label());
        assertEquals("rosenbrock adamw {lr=1} seed 0", specs.get(3).label());
    }

    @Test
    void aProblemMayHaveItsOwnOptimizers() {
        List<RunSpec> specs = expand("""
                optimizers: [sgd, adamw]
                problems:
                  - quadratic
                  - {name: rosenbrock, optimizers: [lion]}
                """);
        List<String> got = new ArrayList<>();
        for (RunSpec s : specs) got.add(s.problem() + " " + s.optimizer());
        assertEquals(List.of("quadratic sgd", "quadratic adamw", "rosenbrock lion"), got);
    }

    @Test
    void seedsCountListAndOverride() {
        SuiteConfig c = SuiteConfig.parse("seeds: 3\noptimizers: [sgd]\nproblems: [quadratic]\n", "t", "t", REGISTRY);
        assertEquals(List.of(0L, 1L, 2L), c.expand(null).stream().map(RunSpec::seed).toList());
        assertEquals(List.of(0L, 1L), c.expand(2).stream().map(RunSpec::seed).toList());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.expand(0)).getMessage().contains("--seeds"));
        // Identical grid points appear once.
        assertEquals(1, expand("optimizers: [sgd, sgd]\nproblems: [quadratic]\n").size());
    }

    @Test
    void unknownKeysNameTheKeyAndItsPath() {
        String m = error("optimizers: [sgd]\nproblems:\n  - quadratic\n  - rosenbrock\n  - {name: matrix-fit, stepz: 3}\n").getMessage();
        assertTrue(m.contains("unknown key 'stepz' at problems[2].stepz"), m);
        assertTrue(m.contains("valid keys there: name, steps, eval_every, hyper, overrides, optimizers"), m);
        m = error("optimizers: [sgd]\nproblems: [quadratic]\nseed: 2\n").getMessage();
        assertTrue(m.contains("unknown key 'seed' at seed"), m);
        m = error("optimizers: [{name: sgd, hyperz: {}}]\nproblems: [quadratic]\n").getMessage();
        assertTrue(m.contains("unknown key 'hyperz' at optimizers[0].hyperz"), m);
    }

    @Test
    void unknownNamesListTheValidOnes() {
        RuntimeException e = error("optimizers: [sgd]\nproblems: [quadratic, no-such-problem]\n");
        assertTrue(e instanceof IllegalArgumentException);
        assertTrue(e.getMessage().contains("problems[1]: unknown problem 'no-such-problem'; valid: " + String.join(", ", BenchProblems.names())), e.getMessage());
        e = error("optimizers: [sgd, adamz]\nproblems: [quadratic]\n");
        assertTrue(e.getMessage().contains("optimizers[1]: unknown optimizer 'adamz'; valid: "), e.getMessage());
        for (OptimizerInfo i : REGISTRY.all()) assertTrue(e.getMessage().contains(i.name()), e.getMessage());
        e = error("optimizers: [sgd]\nproblems: [{name: quadratic, overrides: {adamw: {lr: 1}}}]\n");
        assertTrue(e.getMessage().contains("problems[0].overrides.adamw: optimizer 'adamw' is not in this grid's optimizers: sgd"), e.getMessage());
    }

    private static List<RunSpec> expandWith(String yaml, String... overrides) {
        return SuiteConfig.parse(yaml, "test.yaml", "test", REGISTRY, List.of(overrides)).expand(null);
    }

    @Test
    void keyValueOverridesAddressAnyKeyByItsPathAndAreCheckedLikeTheFile() {
        String yaml = "steps: 40\noptimizers:\n  - sgd\n  - {name: adamw, hyper: {lr: 0.01}}\nproblems:\n  - quadratic\n  - {name: rosenbrock, eval_every: 10}\n";
        List<RunSpec> specs = expandWith(yaml, "steps=7", "problems[1].eval_every=5", "optimizers[1].hyper.lr=0.5", "seeds=2");
        List<String> got = new ArrayList<>();
        for (RunSpec s : specs) got.add(s.label() + " " + s.steps() + "/" + s.evalEvery());
        int qEval = BenchProblems.byName("quadratic").defaultEvalEvery();
        assertEquals(List.of(
                "quadratic sgd seed 0 7/" + qEval, "quadratic sgd seed 1 7/" + qEval,
                "quadratic adamw {lr=0.5} seed 0 7/" + qEval, "quadratic adamw {lr=0.5} seed 1 7/" + qEval,
                "rosenbrock sgd seed 0 7/5", "rosenbrock sgd seed 1 7/5",
                "rosenbrock adamw {lr=0.5} seed 0 7/5", "rosenbrock adamw {lr=0.5} seed 1 7/5"), got);
        // A new leaf key is refused by the binder with its full path, as in the file.
        String m = assertThrows(ConfigException.class, () -> expandWith(yaml, "problems[1].stepz=3")).getMessage();
        assertTrue(m.contains("unknown key 'stepz' at problems[1].stepz; valid keys there: name, steps, eval_every, hyper, overrides, optimizers"), m);
        m = assertThrows(ConfigException.class, () -> expandWith(yaml, "steps=fast")).getMessage();
        assertTrue(m.contains("config key 'steps' = \"fast\" has the wrong type; allowed: an integer >= 1"), m);
        m = assertThrows(ConfigException.class, () -> expandWith(yaml, "problems[2].steps=3")).getMessage();
        assertTrue(m.contains("override problems[2].steps: problems has 2 entries"), m);
        m = assertThrows(ConfigException.class, () -> expandWith(yaml, "problems[0].steps=3")).getMessage();
        assertTrue(m.contains("override problems[0].steps: problems[0] is not a mapping"), m);
        m = assertThrows(ConfigException.class, () -> expandWith(yaml, "steps")).getMessage();
        assertTrue(m.contains("override 'steps' must have the form key=value"), m);
    }

    /** The claim suites kept in the repository (bench/suites/) load, expand to their grid, and every setting builds. */
    @Test
    void repositorySuiteFilesLoadAndEveryOptimizerSettingBuilds() {
        SuiteConfig c = SuiteConfig.load(Path.of("../bench/suites/deepzero-digits.yaml"), REGISTRY);
        assertEquals("deepzero-digits", c.name());
        List<RunSpec> specs = c.expand(null);
        assertEquals(6 * 3, specs.size());
        List<String> got = new ArrayList<>();
        for (RunSpec s : specs) if (s.seed() == 0) got.add(s.label());
        assertEquals(List.of(
                "mlp-digits sgd {lr=0.1, momentum=0.9} seed 0",
                "mlp-digits adam {lr=0.001} seed 0",
                "mlp-digits deepzero {lr=0.1, momentum=0.9, sparsity=0.9} seed 0",
                "mlp-digits deepzero {lr=0.1, mask=layer_random, mask_interval=100, momentum=0.9, sparsity=0.9} seed 0",
                "mlp-digits deepzero {lr=0.1, momentum=0.9, sparsity=0} seed 0",
                "mlp-digits deepzero {coords_per_step=64, lr=0.1, momentum=0.9, sparsity=0.9} seed 0"), got);
        for (RunSpec s : specs) assertEquals(400, s.steps());
        new BenchRunner(REGISTRY, 1).validate(specs);
    }

    @Test
    void badValuesNameTheirPath() {
        assertTrue(error("optimizers: [sgd]\nproblems: [{name: quadratic, steps: 0}]\n").getMessage().contains("config key 'problems[0].steps' = 0 is out of range; allowed: an integer >= 1"));
        assertTrue(error("steps: 1.5\noptimizers: [sgd]\nproblems: [quadratic]\n").getMessage().contains("test.yaml: config key 'steps' = 1.5 has the wrong type; allowed: an integer >= 1"));
        assertTrue(error("seeds: [1, 1]\noptimizers: [sgd]\nproblems: [quadratic]\n").getMessage().contains("seeds[1]: seed 1 is listed twice"));
        assertTrue(error("optimizers: [{name: sgd, hyper: {lr: []}}]\nproblems: [quadratic]\n").getMessage().contains("optimizers[0].hyper.lr: an empty list"));
        assertTrue(error("optimizers: [{name: sgd, hyper: {lr: {a: 1}}}]\nproblems: [quadratic]\n").getMessage().contains("optimizers[0].hyper.lr: must be a number"));
        assertTrue(error("problems: [quadratic]\n").getMessage().contains("missing key 'optimizers'"));
        assertTrue(error("optimizers: all\n").getMessage().contains("missing key 'problems'"));
        assertTrue(error("optimizers: [sgd\n").getMessage().contains("is not valid YAML"));
    }

    @Test
    void hyperparametersAreValidatedByBuildingEveryOptimizerBeforeAnyRun() {
        BenchRunner runner = new BenchRunner(REGISTRY, 1);
        List<RunSpec> ok = expand("optimizers: all\nproblems: [quadratic]\n");
        runner.validate(ok); // every registered optimizer builds with its defaults
        List<RunSpec> bad = expand("optimizers: [adamw, {name: sgd, hyper: {lr: [0.1, fast]}}]\nproblems: [quadratic]\n");
        String m = assertThrows(IllegalArgumentException.class, () -> runner.validate(bad)).getMessage();
        assertTrue(m.contains("sgd {lr=fast} on quadratic: lr must be a number, got 'fast'"), m);
        List<RunSpec> unknown = expand("optimizers: [{name: adamw, hyper: {learning_rate: 0.1}}]\nproblems: [quadratic]\n");
        m = assertThrows(IllegalArgumentException.class, () -> runner.validate(unknown)).getMessage();
        assertTrue(m.contains("unknown hyperparameter 'learning_rate' for adamw; valid: "), m);
    }

    @Test
    void missingConfigFileIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> SuiteConfig.load(Path.of("/nonexistent/suite.yaml"), REGISTRY));
        assertTrue(e.getMessage().contains("config file not found: /nonexistent/suite.yaml"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SuiteConfig.suite("quik", REGISTRY)).getMessage()
                .contains("unknown suite 'quik'; valid: quick, standard, full"));
    }

    @Test
    void theGridIsBoundedBeforeItIsBuilt() {
        // --seeds 100000000 used to fill 6.3 GB in 40 s without a line of output.
        SuiteConfig quick = SuiteConfig.suite("quick", REGISTRY);
        long perSeed = quick.size(1);
        String m = assertTimeoutPreemptively(java.time.Duration.ofSeconds(2),
                () -> assertThrows(IllegalArgumentException.class, () -> quick.expand(100_000_000)).getMessage());
        assertTrue(m.equals("--seeds 100000000 makes quick a grid of " + perSeed * 100_000_000L + " runs; the limit is "
                + SuiteConfig.MAX_RUNS + " (at most " + SuiteConfig.MAX_RUNS / perSeed + " seeds for this grid)"), m);
        assertEquals(perSeed * 3, quick.size(3));
        assertEquals(quick.expand(3).size(), quick.size(3)); // the quick suite has no duplicate points
        // A grid too large in the file itself: 20 x 20 x 20 x 20 points x 2 seeds = 320,000 runs.
        String big = "seeds: 2\noptimizers: [{name: sgd, hyper: {lr: [" + list(20) + "], momentum: [" + list(20) + "], dampening: ["
                + list(20) + "], weight_decay: [" + list(20) + "]}}]\nproblems: [quadratic]\n";
        m = assertThrows(ConfigException.class, () -> SuiteConfig.parse(big, "big.yaml", "big", REGISTRY)).getMessage();
        assertTrue(m.equals("big.yaml: the grid has 320000 runs (problems x optimizers x hyperparameter points x seeds); the limit is 100000"), m);
        m = assertThrows(ConfigException.class, () -> SuiteConfig.parse("seeds: 100000000\noptimizers: [sgd]\nproblems: [quadratic]\n",
                "s.yaml", "s", REGISTRY)).getMessage();
        assertTrue(m.contains("seeds: must be at most 100000"), m);
    }

    private static String list(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) b.append(i > 1 ? ", " : "").append("0.0").append(i);
        return b.toString();
    }

    @Test
    void namesThatEscapeTheirFolderAndYamlTricksAreRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // A suite named '..' wrote runs.db into the project root (bench-results/..).
        for (String name : new String[] {"..", ".", "a/b"}) {
            String m = assertThrows(ConfigException.class,
                    () -> SuiteConfig.parse("name: '" + name + "'\noptimizers: [sgd]\nproblems: [quadratic]\n", "n.yaml", "n", REGISTRY)).getMessage();
            assertTrue(m.contains("name '" + name + "' may only use letters, digits"), m);
        }
        Path dots = dir.resolve("...yaml");
        java.nio.file.Files.writeString(dots, "optimizers: [sgd]\nproblems: [quadratic]\n");
        assertTrue(assertThrows(ConfigException.class, () -> SuiteConfig.load(dots, REGISTRY)).getMessage().contains("name '..'"));
        String m = assertThrows(ConfigException.class, () -> SuiteConfig.parse(
                "optimizers: [{name: sgd, hyper: &h {lr: 0.1}}]\noverrides: {sgd: *h}\nproblems: [quadratic]\n", "a.yaml", "a", REGISTRY)).getMessage();
        assertTrue(m.contains("a.yaml: overrides.sgd: YAML aliases (*h) are not supported"), m);
        m = assertThrows(ConfigException.class, () -> SuiteConfig.parse(
                "optimizers: [sgd]\nproblems: [quadratic]\nproblems: [rosenbrock]\n", "d.yaml", "d", REGISTRY)).getMessage();
        assertTrue(m.contains("d.yaml is not valid YAML") && m.contains("problems"), m);
    }

    /** The shipped suites parse, expand and validate: every problem, optimizer and setting they name exists. */
    @Test
    void shippedSuitesAreValid() {
        for (String suite : SuiteConfig.SUITES) {
            SuiteConfig c = SuiteConfig.suite(suite, REGISTRY);
            List<RunSpec> specs = c.expand(null);
            assertTrue(specs.size() > 0);
            new BenchRunner(REGISTRY, 1).validate(specs);
        }
    }
}
