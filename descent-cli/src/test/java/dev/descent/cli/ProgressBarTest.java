package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void offATerminalPrintsALineEveryFivePercentAndAtTheLastStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 0L);
        bar.onStart(0, 200, 1);
        for (int step = 1; step <= 200; step++) bar.onStep(step, 200, 1.5, 1e-3, 1000, step * 0.01);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // Percent done crosses a multiple of five at steps 10, 20, ..., 200: twenty lines.
        assertEquals(20, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("step 10/200 [="), lines.get(0));
        assertTrue(lines.get(19).startsWith("step 200/200 [========================]"), lines.get(19));
        assertTrue(lines.get(19).contains("loss 1.5000 | lr 1.00e-03 | 1,000 tok/s | ETA 0m00s"), lines.get(19));
    }

    @Test
    void onATerminalRedrawsAtMostTenTimesASecondAndAlwaysAtTheLastStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> now[0]);
        bar.onStart(0, 100, 1);
        for (int step = 1; step <= 100; step++) {
            now[0] = step * 30_000_000L; // a step every 30 ms
            bar.onStep(step, 100, 2.0, 1e-3, 500, step * 0.03);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        String[] draws = Arrays.stream(out.split("\r")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        // Drawn at step 1 (first draw), then whenever 100 ms have passed (every 4th step: 5, 9, ..., 97)
        // and at step 100: 1 + 24 + 1 draws.
        assertEquals(26, draws.length, out);
        assertTrue(draws[0].startsWith("step 1/100"), draws[0]);
        assertTrue(draws[1].startsWith("step 5/100"), draws[1]);
        assertTrue(draws[25].startsWith("step 100/100"), draws[25]);
        assertTrue(out.endsWith(System.lineSeparator()), "the last draw ends its line");
    }
}
