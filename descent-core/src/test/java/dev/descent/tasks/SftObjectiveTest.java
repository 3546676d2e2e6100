package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SftObjectiveTest {
    @Test
    void rowsStartAtPositionZeroAndTargetOnlyCompletionAndStop() {
        // Lines "ab|cd$" (prompt "ab", completion "cd", stop '$'=9) and "x|y$": ids chosen by hand.
        int[][] lines = {{1, 2, 3, 4, 9}, {5, 6, 9}};
        int[] prompts = {2, 1};
        int width = SftObjective.width(lines);
        assertEquals(4, width);
        int[][] r = SftObjective.rows(lines, prompts, new int[] {0, 1, 0}, width);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 9, 9, 1, 2, 3, 4}, r[0], "inputs: the line without its last token, padded");
        // Position t predicts token t+1: the prompt's last position predicts the first completion token.
        assertArrayEquals(new int[] {-1, 3, 4, 9, 6, 9, -1, -1, -1, 3, 4, 9}, r[1], "targets: completion and stop only");
    }
}
