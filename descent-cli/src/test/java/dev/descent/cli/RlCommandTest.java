package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent rl loss}: the golden batch of RlLossTest (torch values from rl_golden.py) through a safetensors file. */
class RlCommandTest {
    static final float[] LOGP = {-1.0f, -0.5f, -2.0f, -0.3f, -1.2f, -0.7f, -1.5f, -0.2f, -0.9f, -0.4f, -2.2f, -0.1f, -0.8f, -1.1f, -0.6f};
    static final float[] OLD = {-1.5f, -0.45f, -1.5f, -0.3f, -0.2f, -0.2f, -1.6f, -0.7f, -0.1f, -0.4f, -2.0f, -0.6f, -0.3f, -1.0f, -0.9f};
    static final float[] REF = {-1.1f, -0.6f, -1.8f, -0.5f, -1.0f, -0.9f, -1.2f, -0.4f, -0.8f, -0.3f, -2.0f, -0.3f, -0.5f, -1.4f, -0.7f};
    static final float[] MASK = {1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    static final float[] ADV = {0.8f, -1.3f, 0.5f};

    static Path batch(Path dir, boolean withRef) throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("logprobs", Tensor.of(LOGP.clone(), 3, 5));
        t.put("old_logprobs", Tensor.of(OLD.clone(), 3, 5));
        if (withRef) t.put("ref_logprobs", Tensor.of(REF.clone(), 3, 5));
        t.put("mask", Tensor.of(MASK.clone(), 3, 5));
        t.put("advantages", Tensor.of(ADV.clone(), 3));
        Path f = dir.resolve(withRef ? "batch.safetensors" : "noref.safetensors");
        Safetensors.write(f, t);
        return f;
    }

    @Test
    void jsonLossAndGradientMatchTorch(@TempDir Path dir) throws Exception {
        Path f = batch(dir, true);
        CliRun r = run("rl", "loss", "--in", f.toString(), "--loss-type", "dr_grpo", "--set", "epsilon=0.2", "--set", "epsilon_high=0.28",
                "--set", "beta=0.04", "--set", "max_completion_length=6", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(-0.049127031812916805, n.get("loss").asDouble(), 2e-7);
        double[][] expected = {
                {0.00021147240436453435, -0.04206539090677831, -0.0274489243386952, -0.04404162389572885, 0.0},
                {0.0004028205487155959, 0.07904043562196121, 0.11947713454372483, 0.0, 0.0},
                {-0.023234527048077647, 0.00040282054871559566, -0.017625537897742048, -0.024558413213624914, 0.00021147240436453435}};
        JsonNode g = n.get("grad_logprobs");
        assertEquals(3, g.size());
        for (int b = 0; b < 3; b++) {
            assertEquals(5, g.get(b).size());
            for (int t = 0; t < 5; t++) assertEquals(expected[b][t], g.get(b).get(t).asDouble(), 2e-7);
        }
        // beta = 0 needs no reference; dapo over a global batch of 30 tokens (rl_golden.py)
        CliRun d = run("rl", "loss", "--in", batch(dir, false).toString(), "--loss-type", "dapo", "--set", "num_items_in_batch=30", "--json");
        assertEquals(0, d.exit(), d.err());
        assertEquals(-0.025039921245848553, new ObjectMapper().readTree(d.out()).get("loss").asDouble(), 2e-7);
        CliRun text = run("rl", "loss", "--in", f.toString(), "--loss-type", "grpo");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("grpo loss = ") && text.out().contains("clip fractions: low 0.0833, high 0.2500"), text.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path f = batch(dir, true);
        run("rl", "loss", "--in", f.toString(), "--loss-type", "ppo").assertBadInput("grpo, bnpo, dr_grpo, dapo", "ppo");
        run("rl", "loss", "--in", f.toString(), "--loss-type", "grpo", "--set", "eps=0.1").assertBadInput("eps", "epsilon_high");
        run("rl", "loss", "--in", f.toString(), "--loss-type", "grpo", "--set", "beta=x").assertBadInput("beta", "'x'");
        run("rl", "loss", "--in", f.toString(), "--loss-type", "grpo", "--set", "max_completion_length=2.5").assertBadInput("max_completion_length");
        run("rl", "loss", "--in", batch(dir, false).toString(), "--loss-type", "grpo", "--set", "beta=0.1").assertBadInput("ref_logprobs");
        run("rl", "loss", "--in", dir.resolve("missing.safetensors").toString(), "--loss-type", "grpo").assertBadInput("missing.safetensors");
        Map<String, TypedTensor> t = new LinkedHashMap<>();
        t.put("logprobs", TypedTensor.of(DType.F64, new int[]{1, 1}, new byte[8]));
        Path f64 = dir.resolve("f64.safetensors");
        Safetensors.writeTyped(f64, t, Map.of());
        run("rl", "loss", "--in", f64.toString(), "--loss-type", "grpo").assertBadInput("logprobs", "float32");
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("logprobs", Tensor.of(LOGP.clone(), 3, 5));
        bad.put("old_logprobs", Tensor.of(OLD.clone(), 3, 5));
        bad.put("mask", Tensor.of(MASK.clone(), 5, 3));
        bad.put("advantages", Tensor.of(ADV.clone(), 3));
        Path shape = dir.resolve("shape.safetensors");
        Safetensors.write(shape, bad);
        run("rl", "loss", "--in", shape.toString(), "--loss-type", "grpo").assertBadInput("mask", "[3, 5]");
    }

    /** The batch of GrpoFamilyTest (golden values from bench/golden/grpo_family_golden.py): DCPO, PACS and GTPO through the command. */
    static Path familyBatch(Path dir) throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("logprobs", Tensor.of(new float[]{-1.0f, -0.5f, -2.0f, -0.3f, -1.2f, -0.7f, -1.5f, -0.2f, -0.9f, -0.4f, -2.2f, -0.1f,
                -0.8f, -1.1f, -0.6f, -1.3f, -0.25f, -0.05f, -1.7f, -0.9f, -0.6f, -2.5f, -0.35f, -1.0f}, 6, 4));
        t.put("old_logprobs", Tensor.of(new float[]{-1.5f, -0.45f, -1.5f, -0.3f, -0.2f, -0.2f, -1.6f, -0.7f, -0.1f, -0.4f, -2.0f, -0.6f,
                -0.3f, -1.0f, -0.9f, -1.1f, -1.75f, -0.1f, -1.2f, -0.8f, -0.65f, -2.4f, -0.3f, -1.2f}, 6, 4));
        t.put("mask", Tensor.of(new float[]{1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1}, 6, 4));
        t.put("advantages", Tensor.of(new float[]{0.8f, -1.3f, 0.5f, -0.7f, 1.1f, 0.0f}, 6));
        t.put("rewards", Tensor.of(new float[]{1, 0, 0, 1, 1, 1}, 6));
        Path f = dir.resolve("family.safetensors");
        Safetensors.write(f, t);
        return f;
    }

    @Test
    void dcpoPacsAndGtpoLossTypes(@TempDir Path dir) throws Exception {
        Path f = familyBatch(dir);
        ObjectMapper m = new ObjectMapper();
        CliRun dcpo = run("rl", "loss", "--in", f.toString(), "--loss-type", "dapo", "--set", "epsilon_high=0.28", "--set", "clip_ratio_c=3", "--json");
        assertEquals(-0.12073267887884735, m.readTree(dcpo.out()).get("loss").asDouble(), 1e-6);
        CliRun pacs = run("rl", "loss", "--in", f.toString(), "--loss-type", "pacs", "--set", "pacs_beta=2", "--set", "num_generations=3", "--json");
        JsonNode n = m.readTree(pacs.out());
        assertEquals(0.6602032282731446, n.get("loss").asDouble(), 1e-6);
        assertEquals(-0.1279388497032648, n.get("grad_logprobs").get(0).get(0).asDouble(), 1e-6);
        // gtpo without token_weights and with the raw advantages: -Σ_b A_b Σ_t m r / n_b
        CliRun gtpo = run("rl", "loss", "--in", f.toString(), "--loss-type", "gtpo", "--json");
        assertTrue(Double.isFinite(m.readTree(gtpo.out()).get("loss").asDouble()), gtpo.out());
        run("rl", "loss", "--in", f.toString(), "--loss-type", "pacs").assertBadInput("num_generations");
        run("rl", "loss", "--in", batch(dir, false).toString(), "--loss-type", "pacs", "--set", "num_generations=3").assertBadInput("rewards");
        run("rl", "loss", "--in", f.toString(), "--loss-type", "dapo", "--set", "clip_ratio_c=1").assertBadInput("clip_ratio_c");
    }

    @Test
    void rlTrainResumeDoesNotMixWithANewRun(@TempDir Path dir) {
        run("rl", "train", "--resume", dir.toString(), "--out", dir.resolve("x").toString()).assertBadInput("--resume", "--out");
        run("rl", "train", "--resume", dir.resolve("none").toString()).assertBadInput("config.yaml");
        run("rl", "train", "--set", "init_from=x").assertBadInput("--out");
    }

    @Test
    void rlReportDrawsARunsMetrics(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\":1,\"reward\":0.25,\"reward_std\":0.1,\"kl\":null,\"seconds\":0.5}\n"
                + "{\"step\":2,\"reward\":0.5,\"reward_std\":0.2,\"kl\":null,\"seconds\":0.4,\"eval/pass@1\":0.3,\"eval/pass@8\":0.6}\n");
        CliRun r = run("rl", "report", "--run", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2 steps"), r.out());
        String html = java.nio.file.Files.readString(dir.resolve("report.html"));
        for (String key : new String[] {"reward", "eval/pass@1", "eval/pass@8", "seconds"}) assertTrue(html.contains("data-optimizer=\"" + key + "\""), key);
        run("rl", "report", "--run", dir.resolve("none").toString()).assertBadInput("metrics.jsonl");
    }
}
