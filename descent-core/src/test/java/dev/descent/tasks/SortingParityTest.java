package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SortingParityTest {
    @Test
    void sortingReferenceIsTheAscendingListAndTheVerifierIsExact() {
        Sorting task = new Sorting(5, 99);
        for (long i = 0; i < 300; i++) {
            Problem p = task.problem(2, i);
            String list = p.prompt().substring(0, p.prompt().length() - 1);
            int[] v = Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
            assertEquals(5, v.length);
            Arrays.sort(v);
            assertEquals(String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList()), p.reference());
            assertEquals(1.0, task.reward(p, p.reference()));
        }
        Problem p = new Problem("31,5,72,5,0=", "0,5,5,31,72", Map.of("values", "31,5,72,5,0", "sorted", "0,5,5,31,72"));
        assertEquals(1.0, task.reward(p, "0,5,5,31,72"));
        assertEquals(0.0, task.reward(p, "0,5,31,72"), "duplicate dropped");
        assertEquals(0.0, task.reward(p, "72,31,5,5,0"), "descending");
        assertEquals(0.0, task.reward(p, "0, 5, 5, 31, 72"), "spaces");
        assertEquals(0.0, task.reward(p, "00,5,5,31,72"), "leading zero");
        assertEquals(0.0, task.reward(p, "0,5,5,31,72,"), "trailing comma");
        assertEquals(0.0, task.reward(p, ""));
        assertEquals(0.0, task.reward(p, null));
        Task longer = Tasks.create("sorting", Map.of("length", "12", "max_value", "9"));
        Problem q = longer.problem(0, 0);
        assertEquals(12, q.reference().split(",").length);
        assertTrue(q.reference().matches("[0-9](,[0-9]){11}"));
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("sorting", Map.of("length", "0")));
    }

    @Test
    void parityReferenceIsTheXorOfTheBits() {
        Parity task = new Parity(16);
        int ones = 0;
        for (long i = 0; i < 1000; i++) {
            Problem p = task.problem(4, i);
            assertTrue(p.prompt().matches("[01]{16}="), p.prompt());
            long count = p.prompt().chars().filter(c -> c == '1').count();
            assertEquals(Long.toString(count % 2), p.reference());
            assertEquals(1.0, task.reward(p, p.reference()));
            assertEquals(0.0, task.reward(p, p.reference().equals("0") ? "1" : "0"));
            assertEquals(0.0, task.reward(p, p.reference() + p.reference()));
            assertEquals(0.0, task.reward(p, " " + p.reference()));
            if (p.reference().equals("1")) ones++;
        }
        assertTrue(ones > 430 && ones < 570, "about half the problems have parity 1: " + ones);
        assertEquals(40, Tasks.create("parity", Map.of("bits", "40")).problem(0, 0).prompt().length() - 1);
    }
}
