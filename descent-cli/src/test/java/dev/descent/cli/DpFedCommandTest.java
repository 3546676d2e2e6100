package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static dev.descent.cli.CliRun.runCapturingSystemOut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DpFedCommandTest {
    @Test
    void dpEpsilonPrintsOpacusValue() throws Exception {
        CliRun r = runCapturingSystemOut("dp", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250", "--delta", "1e-5", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out().strip());
        assertEquals(7.32911117143, n.get("epsilon").asDouble(), 1e-9); // opacus/tests/accountants_test.py
        assertEquals(3.9, n.get("order").asDouble());
        CliRun text = runCapturingSystemOut("dp", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250", "--delta", "1e-5");
        assertTrue(text.out().startsWith("epsilon = 7.32911 at delta = 1.0E-5 (optimal RDP order 3.9)"), text.out());
    }

    @Test
    void dpEpsilonRefusesBadInputWithOneLine() {
        run("dp", "epsilon", "--sample-rate", "0.1", "--noise-multiplier", "0", "--steps", "10", "--delta", "1e-5").assertBadInput("--noise-multiplier");
        run("dp", "epsilon", "--sample-rate", "1.5", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5").assertBadInput("--sample-rate");
        run("dp", "epsilon", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "0", "--delta", "1e-5").assertBadInput("--steps");
        run("dp", "epsilon", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1").assertBadInput("--delta");
    }

    @Test
    void fedRunPrintsRoundsAsJson() throws Exception {
        CliRun r = runCapturingSystemOut("fed", "run", "--dataset", "digits", "--partition", "iid", "--clients", "3", "--rounds", "1",
                "--strategy", "fedadam", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode round = new ObjectMapper().readTree(lines[0]);
        assertEquals(1, round.get("round").asInt());
        assertEquals(3, round.get("clients").size());
        JsonNode summary = new ObjectMapper().readTree(lines[1]);
        assertEquals("fedadam", summary.get("settings").get("strategy").asText());
        assertEquals(0.1, summary.get("settings").get("eta").asDouble());
    }

    @Test
    void fedRunRefusesUnknownKeysAndValues() {
        run("fed", "run", "--strategy", "fedfoo").assertBadInput("strategy");
        run("fed", "run", "--set", "nonsense=1").assertBadInput("nonsense");
        run("fed", "run", "--partition", "iid", "--clients", "5000").assertBadInput("clients");
    }
}
