package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.io.Safetensors;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Parameter;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrozenCheckpointTest {
    @Test
    void checkpointsHoldTrainableAndFrozenWeightsUnderTheirNames(@TempDir Path dir) throws Exception {
        GptConfig c = new GptConfig(11, 8, 1, 2, 16, 0f, true);
        Gpt gpt = new Gpt(c, 3);
        gpt.freeze((n, p) -> n.startsWith("transformer.h.0.attn."));
        FlatParameters flat = gpt.flatten();
        var opt = OptimizerRegistry.defaults().create("sgd", flat, HyperParams.empty());
        Checkpoint.save(dir, flat, Gpt.TIED, opt, 1, "abc", TrainConfig.defaults());
        Map<String, Tensor> saved = Safetensors.read(Checkpoint.locate(dir).resolve("model.safetensors")).tensors();
        assertEquals(flat.all().size() + Gpt.TIED.size(), saved.size());
        for (Parameter p : flat.all()) assertArrayEquals(p.value().toArray(), saved.get(p.name()).toArray(), p.name());

        Gpt other = new Gpt(c, 99);
        other.freeze((n, p) -> n.startsWith("transformer.h.0.attn."));
        FlatParameters into = other.flatten();
        Checkpoint.loadWeights(dir, into);
        assertArrayEquals(flat.values(), into.values());
        assertArrayEquals(flat.frozenValues(), into.frozenValues());
    }
}
