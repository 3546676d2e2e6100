package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every verifier returns a finite reward from its set of values for any string, and never throws. */
class RewardFuzzTest {
    private static final String EXTRA = " \t\r\u0000é５<>/()answer-+*=.,e";

    @Test
    void rewardsAreFiniteAndNeverThrowOnRandomStrings() {
        for (String name : Tasks.NAMES) {
            Task task = Tasks.create(name, Map.of());
            String chars = task.alphabet() + EXTRA;
            Philox rng = Philox.stream(42, "fuzz/" + name);
            long draw = 0;
            for (int i = 0; i < 3000; i++) {
                Problem p = task.problem(3, i % 50);
                String s;
                int kind = rng.nextInt(draw++, 3);
                if (kind == 0) {
                    int len = rng.nextInt(draw++, 40);
                    StringBuilder b = new StringBuilder();
                    for (int k = 0; k < len; k++) b.append(chars.charAt(rng.nextInt(draw++, chars.length())));
                    s = b.toString();
                } else {
                    // Mutations of the reference: the near misses a policy makes.
                    StringBuilder b = new StringBuilder(p.reference());
                    int edits = 1 + rng.nextInt(draw++, 4);
                    for (int e = 0; e < edits; e++) {
                        int at = b.isEmpty() ? 0 : rng.nextInt(draw++, b.length() + 1);
                        char c = chars.charAt(rng.nextInt(draw++, chars.length()));
                        switch (rng.nextInt(draw++, 3)) {
                            case 0 -> b.insert(at, c);
                            case 1 -> { if (at < b.length()) b.deleteCharAt(at); }
                            default -> { if (at < b.length()) b.setCharAt(at, c); }
                        }
                    }
                    s = kind == 1 ? b.toString() : "<answer>" + b + "</answer>";
                }
                double r = task.reward(p, s);
                assertTrue(r == 0.0 || r == 1.0 || (name.equals("countdown") && r == 0.1), name + " reward " + r + " for " + s);
            }
            assertTrue(task.reward(task.problem(0, 0), null) == 0.0, name + ": null completion");
            assertTrue(task.reward(new Problem("", "", Map.of()), "1") == 0.0, name + ": problem without data");
        }
    }
}
