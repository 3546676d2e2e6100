package dev.descent.bench.continual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.continual.AccuracyMatrix;
import dev.descent.tasks.Problem;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The GPT task stream's construction and a tiny run of each GPT strategy. */
class GptContinualRunTest {
    @Test
    void theStreamIsTheFourTasksInOrderWithDisjointDeterministicHeldOutProblems() {
        GptTaskStream a = new GptTaskStream(40, 8, 0);
        GptTaskStream b = new GptTaskStream(40, 8, 0);
        assertEquals(4, a.size());
        assertEquals(List.of("addition", "sorting", "multiplication", "parity"), List.of(a.name(0), a.name(1), a.name(2), a.name(3)));
        for (int t = 0; t < a.size(); t++) {
            assertEquals(a.name(t), a.family().tasks().get(a.familyTask(t)));
            assertEquals(40, a.train(t).size());
            assertEquals(8, a.test(t).size());
            assertEquals(prompts(a.train(t)), prompts(b.train(t)), "training problems are a function of the data seed");
            assertEquals(prompts(a.test(t)), prompts(b.test(t)), "test problems are a function of the data seed");
            // 40 training problems leave unseen prompts in every task's space (parity has 64, multiplication 100)
            assertTrue(a.heldOutUnseen(t), a.name(t));
            Set<String> train = new HashSet<>(prompts(a.train(t)));
            for (String p : prompts(a.test(t))) assertFalse(train.contains(p), a.name(t) + ": held-out prompt " + p + " is a training prompt");
            assertEquals(8, new HashSet<>(prompts(a.test(t))).size(), "held-out problems are distinct");
        }
        assertFalse(prompts(a.train(0)).equals(prompts(new GptTaskStream(40, 8, 5).train(0))), "another data seed, other problems");
    }

    @Test
    void aTinyRunOfEachStrategyFillsAValidMatrixDeterministically() {
        GptTaskStream stream = new GptTaskStream(40, 4, 0);
        GptContinualRun.Settings s = new GptContinualRun.Settings(2, 3e-3, 100, 4, 1);
        for (String strategy : List.of("finetune", "joint", "ewc")) {
            AccuracyMatrix m = GptContinualRun.run(stream, strategy, s).accuracy();
            AccuracyMatrix again = GptContinualRun.run(stream, strategy, s).accuracy();
            assertEquals(4, m.tasks());
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) assertTrue(m.get(i, j) >= 0 && m.get(i, j) <= 1, strategy + " R[" + i + "][" + j + "] = " + m.get(i, j));
                assertArrayEquals(m.rows()[i], again.rows()[i], strategy + ": the same seed gives the same matrix");
            }
            assertTrue(Double.isFinite(m.forgetting()) && Double.isFinite(m.averageAccuracy()));
        }
        assertThrows(IllegalArgumentException.class, () -> GptContinualRun.run(stream, "fetril", s));
    }

    @Test
    void theExperimentWritesTheMatricesAndTheirPlot(@TempDir Path dir) throws Exception {
        String md = GptContinualBench.run(new GptContinualBench.Options(1, 1, 3e-3, 100, 2, 40, 2, List.of("finetune", "ewc-online"), dir),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(md.contains("| finetune | ") && md.contains("| ewc-online | "), md);
        assertEquals(2, new ObjectMapper().readTree(dir.resolve("continual-gpt.json").toFile()).get("runs").size());
        String page = Files.readString(dir.resolve("continual-gpt.html"));
        for (String s : List.of("<h2>gpt-tasks</h2>", "<h3>finetune ", "<h3>ewc-online ", ">addition<", ">sorting<", ">multiplication<", ">parity<")) assertTrue(page.contains(s), s);
        assertThrows(IllegalArgumentException.class, () -> GptContinualBench.run(new GptContinualBench.Options(1, 1, 3e-3, 100, 2, 40, 2, List.of("fsa"), dir), System.out));
    }

    private static List<String> prompts(List<Problem> problems) {
        return problems.stream().map(Problem::prompt).toList();
    }
}
