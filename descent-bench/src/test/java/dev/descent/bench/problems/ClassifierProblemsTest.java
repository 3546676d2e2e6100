package dev.descent.bench.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierProblemsTest {
    static Stream<Arguments> problems() {
        // problem, train rows, test rows, parameters (d·K + K, or the MLP's two layers)
        return Stream.of(
                Arguments.of(LogisticRegressionProblem.breastCancer(), 455, 114, 30 * 2 + 2),
                Arguments.of(LogisticRegressionProblem.wine(), 142, 36, 13 * 3 + 3),
                Arguments.of(MlpDigitsProblem.standard(), 3823, 1797, 64 * 64 + 64 + 64 * 10 + 10),
                Arguments.of(MlpMnistProblem.standard(), 8000, 2000, 784 * 128 + 128 + 128 * 10 + 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void splitsParametersAndEvaluationHaveTheDocumentedSizes(ClassifierProblem p, int trainRows, int testRows, int parameters) {
        ClassifierInstance inst = p.instantiate(3);
        assertEquals(trainRows, inst.train().rows());
        assertEquals(testRows, inst.test().rows());
        assertEquals(parameters, inst.params().elements());
        assertEquals(parameters, inst.grads().length);
        assertEquals(p.batchSize(), inst.examplesPerStep());
        assertEquals("examples", inst.throughputUnit());
        Map<String, Double> eval = inst.evaluate();
        assertEquals(List.of("test_accuracy", "test_loss", "train_loss"), List.copyOf(eval.keySet()));
        assertEquals(p.metric(), eval.keySet().iterator().next());
        double acc = eval.get("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1);
        // accuracy is a count over the test rows
        assertEquals(Math.round(acc * testRows), acc * testRows, 1e-9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void gradientMatchesCentralDifferencesOfAnIndependentDoubleLoss(ClassifierProblem p) {
        ClassifierInstance inst = p.instantiate(5);
        inst.setBatch(2);
        double loss = inst.lossAndGradients();
        float[] theta = inst.params().values();
        double[] th = ReferenceClassifier.toDouble(theta);
        int[] rows = inst.batchIndices();
        assertEquals(ReferenceClassifier.loss(inst.params(), th, inst.train(), rows), loss, 1e-5);
        // A few coordinates in each parameter tensor; h = 1e-4 in double (truncation ~1e-8).
        for (var slot : inst.params().slots()) {
            for (int k : new int[] {0, slot.size() / 3, slot.size() - 1}) {
                int i = slot.offset() + k;
                double h = 1e-4;
                double saved = th[i];
                th[i] = saved + h;
                double up = ReferenceClassifier.loss(inst.params(), th, inst.train(), rows);
                th[i] = saved - h;
                double down = ReferenceClassifier.loss(inst.params(), th, inst.train(), rows);
                th[i] = saved;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, inst.grads()[i], 2e-5 + 1e-3 * Math.abs(fd), slot.name() + "[" + k + "]");
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalBatchesAndBitIdenticalAdamWTrajectories() {
        BenchProblem p = MlpDigitsProblem.standard();
        double[][] losses = new double[2][];
        float[][] finals = new float[2][];
        for (int r = 0; r < 2; r++) {
            ClassifierInstance inst = (ClassifierInstance) p.instantiate(11);
            Optimizer opt = adamw(inst, "1e-3");
            losses[r] = new double[5];
            for (int step = 0; step < 5; step++) {
                inst.setBatch(step);
                losses[r][step] = inst.lossAndGradients();
                opt.step();
            }
            inst.setBatch(5);
            finals[r] = inst.params().values().clone();
            assertEquals(inst.loss(), inst.loss());
        }
        assertArrayEquals(losses[0], losses[1]);
        assertArrayEquals(finals[0], finals[1]);
        ClassifierInstance a = (ClassifierInstance) p.instantiate(11);
        ClassifierInstance b = (ClassifierInstance) p.instantiate(11);
        for (long step : new long[] {0, 7, 59, 1000}) {
            a.setBatch(step);
            b.setBatch(step);
            assertArrayEquals(a.batchIndices(), b.batchIndices());
        }
    }

    @Test
    void differentSeedsGiveDifferentSplitsInitialisationsAndBatches() {
        LogisticRegressionProblem p = LogisticRegressionProblem.breastCancer();
        ClassifierInstance a = p.instantiate(1);
        ClassifierInstance b = p.instantiate(2);
        assertFalse(Arrays.equals(a.params().values(), b.params().values()));
        assertFalse(Arrays.equals(a.test().labels(), b.test().labels()) && Arrays.equals(a.test().features(), b.test().features()));
        a.setBatch(0);
        b.setBatch(0);
        assertFalse(Arrays.equals(a.batchIndices(), b.batchIndices()));
        // The standardizer is fitted on the training split: its features have mean 0 there, not on the test split.
        double mean = 0;
        for (int i = 0; i < a.train().rows(); i++) mean += a.train().features()[i * a.train().cols()];
        assertEquals(0, mean / a.train().rows(), 1e-5);
    }

    @Test
    void lossAndTheEstimatorsLeaveTheGradientBufferAndParametersAsFound() {
        ClassifierInstance inst = LogisticRegressionProblem.breastCancer().instantiate(4);
        inst.setBatch(3);
        inst.lossAndGradients();
        float[] grads = inst.grads().clone();
        float[] values = inst.params().values().clone();
        double l1 = inst.loss();
        assertArrayEquals(grads, inst.grads());
        {
            var est = inst.curvature(4);
            float[] out = new float[grads.length];
            est.gaussNewtonBartlett().estimate(inst.params().values(), out, 0);
            for (float v : out) assertTrue(v >= 0 && Float.isFinite(v));
            assertArrayEquals(grads, inst.grads());
            est.hutchinson().estimate(inst.params().values(), out, 0);
            for (float v : out) assertTrue(Float.isFinite(v));
            assertArrayEquals(grads, inst.grads());
            assertArrayEquals(values, inst.params().values());
            assertEquals(l1, inst.objective(4).loss());
            assertArrayEquals(grads, inst.grads());
        }
    }

    @Test
    void lossBeforeTheFirstBatchIsRefused() {
        ClassifierInstance inst = LogisticRegressionProblem.wine().instantiate(0);
        assertThrows(IllegalStateException.class, inst::loss);
        assertThrows(IllegalStateException.class, inst::lossAndGradients);
    }

    @Test
    void everyRegisteredOptimizerRunsOnLogisticRegression() {
        LogisticRegressionProblem p = LogisticRegressionProblem.breastCancer();
        Set<String> ran = new HashSet<>();
        for (OptimizerInfo info : OptimizerRegistry.defaults().all()) {
            ClassifierInstance inst = p.instantiate(0);
            var objective = inst.objective(0);
            Optimizer opt = OptimizerRegistry.defaults().create(info.name(), inst.params(), inst.grads(), HyperParams.empty(),
                    objective.curvature());
            double first = Double.NaN;
            for (int step = 0; step < 12; step++) {
                objective.prepare(step);
                double l = opt.needsGradients() ? inst.loss() : Double.NaN;
                double reported = opt.step(objective).loss();
                if (opt.needsGradients()) assertEquals(l, reported, 1e-6 * Math.abs(l), info.name() + ": the step reports the batch loss");
                opt.zeroGrad();
                if (step == 0) first = reported;
            }
            for (float v : inst.params().values()) assertTrue(Float.isFinite(v), info.name() + " produced a non-finite parameter");
            assertTrue(Double.isFinite(first));
            ran.add(info.name());
        }
        assertTrue(ran.containsAll(List.of("adamw", "sophiag", "sophiah")), "ran " + ran);
    }

    @Test
    void adamWLearnsLogisticRegressionOnBreastCancer() {
        ClassifierInstance inst = LogisticRegressionProblem.breastCancer().instantiate(0);
        train(inst, adamw(inst, "1e-2"), 200);
        assertTrue(inst.evaluate().get("test_accuracy") >= 0.95, inst.evaluate().toString());
    }

    @Test
    void adamWLearnsTheDigitsMlp() {
        MlpDigitsProblem p = MlpDigitsProblem.standard();
        ClassifierInstance inst = p.instantiate(0);
        train(inst, adamw(inst, "1e-3"), p.defaultSteps());
        assertTrue(inst.evaluate().get("test_accuracy") >= 0.9, inst.evaluate().toString());
    }

    @Test
    void adamWLearnsTheMnistMlp() {
        ClassifierInstance inst = MlpMnistProblem.standard().instantiate(0);
        train(inst, adamw(inst, "2e-3"), 250);
        assertTrue(inst.evaluate().get("test_accuracy") >= 0.9, inst.evaluate().toString());
    }

    static Optimizer adamw(ClassifierInstance inst, String lr) {
        return OptimizerRegistry.defaults().create("adamw", inst.params(), inst.grads(), HyperParams.parse(List.of("lr=" + lr)));
    }

    static void train(ClassifierInstance inst, Optimizer opt, int steps) {
        for (int step = 0; step < steps; step++) {
            inst.setBatch(step);
            inst.lossAndGradients();
            opt.step();
        }
        assertNotNull(inst.batchIndices());
    }
}
