package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** One in-process run of the {@code descent} command line: its exit code and what it wrote. */
record CliRun(int exit, String out, String err) {

    /** Runs {@code args}, keeping what the command writes to picocli's out and err writers. */
    static CliRun run(String... args) {
        CommandLine cl = Descent.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /**
     * Runs {@code args} for the commands that print with {@code System.out} (train, sample): keeps
     * {@code System.out} (replaced for the run and restored after) and picocli's err writer.
     */
    static CliRun runCapturingSystemOut(String... args) {
        CommandLine cl = Descent.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    /**
     * Asserts the answer to bad input: exit code 2, nothing on stdout, and one line on stderr that
     * starts with {@code descent: } and contains each of {@code expected}.
     */
    CliRun assertBadInput(String... expected) {
        assertEquals(Descent.BAD_INPUT, exit, "exit code; out: " + out + "err: " + err);
        assertEquals("", out, "bad input prints nothing on stdout");
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("descent: "), err);
        for (String e : expected) assertTrue(err.contains(e), "expected '" + e + "' in: " + err);
        return this;
    }
}
