package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedbackEnvironmentTest {
    private static final Arithmetic ADD = new Arithmetic(Arithmetic.Operation.ADDITION, 2, false);
    private static final Problem P = new Problem("12+34=", "046", Map.of("a", "12", "b", "34", "answer", "46", "reversed", "false"));

    @Test
    void wrongAnswersGetDirectionsUntilTheRightOne() {
        FeedbackEnvironment env = new FeedbackEnvironment(ADD, 4);
        assertEquals("12+34=", env.reset(P));
        Environment.Step s = env.step("074");
        assertEquals(new Environment.Step("too high:", 0.0, false), s);
        s = env.step("045");
        assertEquals(new Environment.Step("too low:", 0.0, false), s);
        s = env.step("x");
        assertEquals(new Environment.Step("wrong:", 0.0, false), s, "no value: plain 'wrong'");
        s = env.step("46");
        assertEquals(new Environment.Step("", 1.0, true), s);
        assertEquals("12+34=074\ntoo high:045\ntoo low:x\nwrong:46\n", env.transcript());
        assertEquals(4, env.turnsUsed());
        assertThrows(IllegalStateException.class, () -> env.step("46"), "done");
    }

    @Test
    void theBudgetEndsTheEpisodeAndResetStartsAfresh() {
        FeedbackEnvironment env = new FeedbackEnvironment(ADD, 2);
        assertThrows(IllegalStateException.class, () -> env.step("1"), "before reset");
        env.reset(P);
        assertFalse(env.step("1").done());
        Environment.Step last = env.step("2");
        assertTrue(last.done());
        assertEquals(0.0, last.reward());
        assertEquals("", last.observation());
        assertEquals("12+34=1\ntoo low:2\n", env.transcript());
        env.reset(P);
        assertEquals("12+34=", env.transcript());
        assertEquals(0, env.turnsUsed());
        Environment.Step first = env.step("046\nignored");
        assertEquals(new Environment.Step("", 1.0, true), first, "the action is cut at the stop character");
        assertEquals("12+34=046\n", env.transcript());
        assertThrows(IllegalArgumentException.class, () -> new FeedbackEnvironment(ADD, 0));
    }

    @Test
    void tasksWithoutValuesSayWrongAndCountdownSaysHowFarOff() {
        Sorting sorting = new Sorting(3, 9);
        Problem p = sorting.problem(0, 0);
        FeedbackEnvironment env = new FeedbackEnvironment(sorting, 3);
        env.reset(p);
        assertEquals("wrong:", env.step("9,9,9,9").observation());
        assertEquals(1.0, env.step(p.reference()).reward());

        Countdown countdown = new Countdown(3, 4, 99, 999);
        Problem c = new Problem("3,3,5:5=", "", Map.of("numbers", "3,3,5", "target", "5"));
        FeedbackEnvironment cenv = new FeedbackEnvironment(countdown, 5);
        cenv.reset(c);
        Environment.Step s = cenv.step("<answer>5+3+3</answer>");
        assertEquals("too high:", s.observation());
        assertEquals(0.1, s.reward(), "each step earns the task's reward");
        assertEquals("too low:", cenv.step("<answer>5-3-3</answer>").observation());
        assertEquals("wrong:", cenv.step("<answer>5+3</answer>").observation(), "numbers not all used: no value");
        assertEquals("wrong:", cenv.step("5*3/3").observation(), "no answer tags");
        assertEquals(new Environment.Step("", 1.0, true), cenv.step("<answer>5*3/3</answer>"));
    }

    @Test
    void alphabetCoversTranscripts() {
        FeedbackEnvironment env = new FeedbackEnvironment(ADD, 3);
        env.reset(P);
        env.step("074");
        env.step("045");
        env.step("046");
        for (char ch : env.transcript().toCharArray()) assertTrue(env.alphabet().indexOf(ch) >= 0, "character " + ch);
        assertEquals(env.alphabet().chars().distinct().count(), env.alphabet().length(), "no repeats");
    }
}
