package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.TransformOptimizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One way to follow a schedule for every optimizer: fused, composed and hybrid alike. */
class LearningRatesTest {
    static Optimizer make(String name, String... hyper) {
        float[] values = new float[4 * 3 + 3];
        ParamSet ps = ParamSet.of(values, List.of("h.weight", "h.bias"), List.of(new int[] {4, 3}, new int[] {3}));
        return OptimizerRegistry.defaults().create(name, ps, new float[values.length], HyperParams.parse(List.of(hyper)));
    }

    @Test
    void aLoneLearningRateFollowsTheScheduleExactly() {
        for (String name : List.of("adamw", "sgd", "lion", "adam", "lamb", "grams")) {
            Optimizer o = make(name, "lr=0.003");
            LearningRates lrs = LearningRates.of(o);
            for (double lr : new double[] {0.003 * 7 / 101, 0.0017, 3e-4}) {
                lrs.follow(lr, 0.003);
                assertEquals(lr, o.learningRate(), 0.0, name);
            }
        }
    }

    @Test
    void aLearningRateOtherThanThePeakKeepsItsRatio() {
        for (String name : List.of("adamw", "adam")) {
            Optimizer o = make(name, "lr=0.01");
            LearningRates.of(o).follow(5e-4, 1e-3);
            assertEquals(0.01 * (5e-4 / 1e-3), o.learningRate(), 0.0, name);
        }
    }

    @Test
    void aHybridKeepsTheRatioOfItsBranches() {
        TransformOptimizer o = (TransformOptimizer) make("muon", "lr=0.02", "adamw_lr=3e-4");
        LearningRates.of(o).follow(0.005, 0.02);
        Map<String, Double> s = o.scalars();
        assertEquals(0.02 * (0.005 / 0.02), s.get("muon.lr.lr"), 0.0);
        assertEquals(3e-4 * (0.005 / 0.02), s.get("adamw.2.lr"), 0.0);
        assertEquals(s.get("muon.lr.lr"), o.learningRate(), 0.0);
    }
}
