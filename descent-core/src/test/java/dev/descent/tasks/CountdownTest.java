package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The reward follows TinyZero's {@code compute_score}: 0 without an answer, 0.1 for a well-formed
 * but wrong one, 1 for a correct one. Every expected score below was also computed by running a
 * Python restatement of its three steps (the answer regex, the sorted {@code \d+} numbers, then
 * {@code eval} with the character filter and the 1e-5 tolerance) on the same strings with python3;
 * all agree, including the {@code 07} and {@code **} cases, where Python's {@code eval} fails or the
 * value is wrong.
 */
class CountdownTest {
    private static final Countdown TASK = new Countdown(3, 4, 99, 999);
    @Test
    void tinyZeroScores() {
        Problem p = new Problem("3,7,12,5:24=", "", Map.of("numbers", "3,7,12,5", "target", "24"));
        // 12 + 7 + 5 = 24 uses 3 of 4 numbers: numbers differ → format score.
        assertEquals(0.1, TASK.reward(p, "<answer>12+7+5</answer>"));
        // (12 + 3·5 − 7) + … : 12·3 − 7 − 5 = 24 uses each number once.
        assertEquals(1.0, TASK.reward(p, "<answer>12*3-7-5</answer>"));
        assertEquals(1.0, TASK.reward(p, "<answer>  12 * 3 - 7 - 5  </answer>"), "whitespace is stripped / skipped");
        assertEquals(1.0, TASK.reward(p, "thinking… <answer>12*3-7-5</answer> done"), "text around the tags");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7+5</answer>"), "wrong value");
        assertEquals(0.0, TASK.reward(p, "12*3-7-5"), "no tags");
        assertEquals(0.0, TASK.reward(p, "<answer>12*3-7-5"), "no closing tag");
        assertEquals(0.0, TASK.reward(p, "<answer>12*3-7-5</answe>"), "malformed closing tag");
        assertEquals(0.0, TASK.reward(p, ""), "empty");
        assertEquals(0.1, TASK.reward(p, "<answer></answer>"), "empty answer: well-formed tags, no numbers");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-5-3</answer>"), "a number used twice");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-5-0</answer>"), "a number that is not given");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-</answer>"), "malformed expression with other numbers");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-5)</answer>"), "unbalanced parenthesis");
        assertEquals(0.1, TASK.reward(p, "<answer>(12*3-7-5</answer>"), "unbalanced parenthesis");
        assertEquals(0.1, TASK.reward(p, "<answer>7/(3-3)+12*3</answer>"), "a number used twice, and division by zero");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-07-5</answer>"), "leading zero: the numbers match (7) but Python's eval refuses 07");
        assertEquals(0.1, TASK.reward(p, "<answer>12**3-7-5</answer>"), "power: refused here (Python would evaluate it)");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-5" + "0".repeat(5000) + "</answer>"), "huge number");
        assertEquals(1.0, TASK.reward(p, "<answer>1</answer><answer>12*3-7-5</answer>"), "the last answer counts");
        assertEquals(0.1, TASK.reward(p, "<answer>12*3-7-5</answer><answer>1</answer>"), "the last answer counts");
        assertEquals(1.0, TASK.reward(p, "<answer>-(7+5-12*3)</answer>"), "unary minus, as Python");
        assertEquals(1.0, TASK.reward(p, "<answer>((12*3)-7)-5</answer>"), "redundant parentheses");
    }

    @Test
    void divisionByZeroWithTheRightNumbersIsAFormatScore() {
        Problem p = new Problem("3,3,5:5=", "", Map.of("numbers", "3,3,5", "target", "5"));
        assertEquals(0.1, TASK.reward(p, "<answer>5/(3-3)</answer>"));
        assertEquals(1.0, TASK.reward(p, "<answer>5*3/3</answer>"));
        assertEquals(1.0, TASK.reward(p, "<answer>5/3*3</answer>"), "exact rational arithmetic");
        assertEquals(0.1, TASK.reward(p, "<answer>5/3+3</answer>"), "a fraction is a wrong value");
        assertEquals(OptionalInt.of(1), TASK.compare(p, "<answer>5+3+3</answer>"));
        assertEquals(OptionalInt.of(-1), TASK.compare(p, "<answer>5-3-3</answer>"), "negative results are compared as values");
        assertEquals(OptionalInt.empty(), TASK.compare(p, "<answer>5/(3-3)</answer>"));
    }

    @Test
    void generatedProblemsAreSolvedByTheirReference() {
        for (long i = 0; i < 2000; i++) {
            Problem p = TASK.problem(5, i);
            int[] numbers = Arrays.stream(p.data().get("numbers").split(",")).mapToInt(Integer::parseInt).toArray();
            assertTrue(numbers.length == 3 || numbers.length == 4, p.prompt());
            for (int n : numbers) assertTrue(n >= 1 && n <= 99, p.prompt());
            int target = Integer.parseInt(p.data().get("target"));
            assertTrue(target >= 1 && target <= 999, p.prompt());
            assertEquals(p.data().get("numbers") + ":" + target + "=", p.prompt());
            assertTrue(p.reference().startsWith("<answer>") && p.reference().endsWith("</answer>"), p.reference());
            assertEquals(1.0, TASK.reward(p, p.reference()), p.prompt() + p.reference());
            for (char c : (p.prompt() + p.reference()).toCharArray()) assertTrue(TASK.alphabet().indexOf(c) >= 0, "character " + c);
        }
        assertEquals(TASK.problem(5, 17), TASK.problem(5, 17));
    }

    @Test
    void difficultySettings() {
        Task three = Tasks.create("countdown", Map.of("min_numbers", "3", "max_numbers", "3", "max_number", "9", "max_target", "50"));
        for (long i = 0; i < 300; i++) {
            Problem p = three.problem(1, i);
            String[] n = p.data().get("numbers").split(",");
            assertEquals(3, n.length);
            for (String s : n) assertTrue(Integer.parseInt(s) <= 9);
            assertTrue(Integer.parseInt(p.data().get("target")) <= 50);
            assertEquals(1.0, three.reward(p, p.reference()));
        }
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("countdown", Map.of("min_numbers", "4", "max_numbers", "3")));
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("countdown", Map.of("max_numbers", "6")));
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("countdown", Map.of("numbers", "3")));
    }
}
