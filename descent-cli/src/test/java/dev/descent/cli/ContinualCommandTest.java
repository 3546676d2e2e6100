package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ContinualCommandTest {
    @Test
    void listNamesStreamsAndStrategies() {
        CliRun r = run("continual", "list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("streams:    split-digits-class, split-digits-task, split-mnist-class, split-mnist-task, permuted-mnist, label-permuted-digits"), r.out());
        assertTrue(r.out().contains("strategies: finetune, joint, ewc, ewc-online, upgd, classp, kappatune, fetril, fsa, rise"), r.out());
    }

    @Test
    void runPrintsTheMatrixAndMetricsOrJson() throws Exception {
        CliRun text = run("continual", "run", "--stream", "split-digits-task", "--strategy", "ewc", "--set", "steps=5", "--set", "fisher_samples=5");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("ewc on split-digits-task (task_incremental, 5 tasks)"), text.out());
        assertTrue(text.out().contains("average accuracy "), text.out());
        CliRun json = run("continual", "run", "--stream", "split-digits-task", "--strategy", "ewc", "--set", "steps=5", "--set", "fisher_samples=5", "--json", "--seed", "2");
        assertEquals(0, json.exit(), json.err());
        JsonNode n = new ObjectMapper().readTree(json.out().strip());
        assertEquals("ewc", n.get("strategy").asText());
        assertEquals(2, n.get("seed").asInt());
        assertEquals(5, n.get("accuracy_matrix").size());
        assertEquals(5, n.get("plasticity").size());
        assertEquals(-n.get("forgetting").asDouble(), n.get("backward_transfer").asDouble(), 1e-12);
    }

    @Test
    void badNamesAndKeysExitWithCodeTwo() {
        run("continual", "run", "--stream", "split-cifar", "--strategy", "ewc")
                .assertBadInput("unknown stream 'split-cifar'; valid: split-digits-class, split-digits-task, split-mnist-class, split-mnist-task, permuted-mnist, label-permuted-digits");
        run("continual", "run", "--stream", "split-digits-class", "--strategy", "lwf")
                .assertBadInput("unknown strategy 'lwf'; valid: finetune, joint, ewc, ewc-online, upgd, classp, kappatune, fetril, fsa, rise");
        run("continual", "run", "--stream", "split-digits-class", "--strategy", "upgd", "--set", "sigmaa=1")
                .assertBadInput("unknown hyperparameter 'sigmaa' for continual run --strategy upgd; valid: steps, batch, lr, hidden, tasks, per_class, beta_utility, sigma, weight_decay");
    }
}
