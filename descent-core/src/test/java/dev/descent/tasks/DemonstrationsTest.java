package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemonstrationsTest {
    @Test
    void aCorruptedDemonstrationDiffersInOneDigitAndIsAlwaysWrong() {
        for (String name : Tasks.NAMES) {
            Task task = Tasks.create(name, Map.of());
            Demonstrations d = new Demonstrations(task, 9, 0.3);
            int corrupted = 0;
            int n = 4000;
            for (int i = 0; i < n; i++) {
                Problem p = d.problem(i);
                String c = d.completion(p, i);
                if (c.equals(p.reference())) {
                    assertEquals(1.0, task.reward(p, c));
                    continue;
                }
                corrupted++;
                assertEquals(p.reference().length(), c.length());
                int diff = 0;
                for (int k = 0; k < c.length(); k++) {
                    if (c.charAt(k) != p.reference().charAt(k)) {
                        diff++;
                        assertTrue(Character.isDigit(c.charAt(k)) && Character.isDigit(p.reference().charAt(k)));
                    }
                }
                assertEquals(1, diff, c);
                assertTrue(task.reward(p, c) < 1.0, name + ": " + p.prompt() + c);
                for (char ch : c.toCharArray()) assertTrue(task.alphabet().indexOf(ch) >= 0, name + ": " + c);
            }
            // Binomial(4000, 0.3): standard deviation 29; allow 5 of them.
            assertTrue(Math.abs(corrupted - 0.3 * n) < 5 * Math.sqrt(n * 0.3 * 0.7), name + ": " + corrupted);
        }
    }

    @Test
    void rateZeroGivesReferencesAndRateOneCorruptsAll() {
        Task task = Tasks.create("addition", Map.of());
        Demonstrations clean = new Demonstrations(task, 1, 0);
        Demonstrations dirty = new Demonstrations(task, 1, 1);
        for (int i = 0; i < 200; i++) {
            assertEquals(task.problem(1, i).reference(), clean.completion(i));
            assertNotEquals(task.problem(1, i).reference(), dirty.completion(i));
            assertEquals(dirty.completion(i), new Demonstrations(task, 1, 1).completion(i), "deterministic");
            assertEquals(task.problem(1, i).prompt() + clean.completion(i) + "\n", clean.line(i));
        }
        assertThrows(IllegalArgumentException.class, () -> new Demonstrations(task, 1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Demonstrations(task, 1, Double.NaN));
    }

    @Test
    void corruptChangesTheChosenDigit() {
        String ten = "0123456789";
        assertEquals("<answer>13+5</answer>", Demonstrations.corrupt("<answer>12+5</answer>", ten, 1, 0));
        assertEquals("<answer>12+4</answer>", Demonstrations.corrupt("<answer>12+5</answer>", ten, 2, 8));
        assertEquals("no digits", Demonstrations.corrupt("no digits", ten, 3, 3));
        assertEquals("1", Demonstrations.corrupt("0", "01", 0, 0), "a bit is flipped");
        assertEquals("0", Demonstrations.corrupt("1", "01", 5, 0));
    }
}
