package dev.descent.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSpecTest {
    /*
     * Golden ids computed independently with Python:
     *   d = {'problem': 'rosenbrock', 'optimizer': 'adamw', 'hyper': {'weight_decay': '0', 'lr': '0.01'},
     *        'seed': 1, 'steps': 300, 'eval_every': 50}
     *   s = json.dumps(d, sort_keys=True, separators=(',', ':')); hashlib.sha256(s.encode()).hexdigest()
     * and likewise for the second, d = {'problem': 'quadratic', 'optimizer': 'sgd', 'hyper': {}, 'seed': 0,
     * 'steps': 200, 'eval_every': 20}.
     */
    @Test
    void runIdIsTheSha256OfTheCanonicalJson() {
        Map<String, String> hyper = new LinkedHashMap<>();
        hyper.put("weight_decay", "0"); // given out of order: the id must not depend on it
        hyper.put("lr", "0.01");
        RunSpec s = RunSpec.of("rosenbrock", "adamw", hyper, 1, 300, 50);
        assertEquals("{\"eval_every\":50,\"hyper\":{\"lr\":\"0.01\",\"weight_decay\":\"0\"},\"optimizer\":\"adamw\",\"problem\":\"rosenbrock\",\"seed\":1,\"steps\":300}",
                s.canonicalJson());
        assertEquals("223ec6759880eb3543b7346d74af62bb86844f6084430d6f1a6df4d7812d2450", s.runId());
        assertEquals("e3dfbfc56268fe9786cc0e971d05700d95e56a73bb838670f32e4e48dc4c29ab", RunSpec.of("quadratic", "sgd", Map.of(), 0, 200, 20).runId());
    }

    @Test
    void everyFieldChangesTheId() {
        RunSpec base = RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 0, 200, 20);
        assertNotEquals(base.runId(), RunSpec.of("rosenbrock", "sgd", Map.of("lr", "0.1"), 0, 200, 20).runId());
        assertNotEquals(base.runId(), RunSpec.of("quadratic", "adamw", Map.of("lr", "0.1"), 0, 200, 20).runId());
        assertNotEquals(base.runId(), RunSpec.of("quadratic", "sgd", Map.of("lr", "0.2"), 0, 200, 20).runId());
        assertNotEquals(base.runId(), RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 1, 200, 20).runId());
        assertNotEquals(base.runId(), RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 0, 201, 20).runId());
        assertNotEquals(base.runId(), RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 0, 200, 21).runId());
        assertEquals(base.runId(), RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 0, 200, 20).runId());
    }
}
