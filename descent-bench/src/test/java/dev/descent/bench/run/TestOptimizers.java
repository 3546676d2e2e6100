package dev.descent.bench.run;

import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Tensor;
import dev.descent.optim.StepReport;
import java.util.LinkedHashMap;
import java.util.Map;

/** A registry for runner tests: a few real optimizers plus a zeroth-order one and one that throws. */
final class TestOptimizers {
    private TestOptimizers() {}

    static OptimizerRegistry registry() {
        OptimizerRegistry defaults = OptimizerRegistry.defaults();
        OptimizerRegistry r = new OptimizerRegistry();
        for (String n : new String[] {"sgd", "adamw", "sophiag"}) r.add(defaults.info(n));
        r.add(new OptimizerInfo("test_zo", "coordinate central differences", "none", "none", "n/a", 0, false,
                (params, grads, h) -> new CoordinateZo(params.values(), h.getDouble("lr", 0.01), h.getBool("publish", true))));
        r.add(new OptimizerInfo("test_throws", "throws at a given step", "none", "none", "n/a", 0, false,
                (params, grads, h) -> new Throwing(h.getInt("at", 3))));
        r.add(new OptimizerInfo("test_slow", "gradient descent that sleeps after each step", "none", "none", "n/a", 0, false,
                (params, grads, h) -> new Slow(params.values(), grads, h.getDouble("lr", 0.001), h.getInt("sleep_ms", 2))));
        return r;
    }

    /**
     * What the test optimizers have in common: a learning rate, a step counter, no gradient to zero,
     * no state tensors, the scalar "step" and nothing to restore.
     */
    abstract static class Base implements Optimizer {
        double lr;
        long steps;

        @Override
        public void zeroGrad() {}

        @Override
        public double learningRate() { return lr; }

        @Override
        public void setLearningRate(double lr) { this.lr = lr; }

        @Override
        public long stepCount() { return steps; }

        @Override
        public Map<String, Tensor> state() { return Map.of(); }

        @Override
        public Map<String, Double> scalars() { return Map.of("step", (double) steps); }

        @Override
        public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {}
    }

    /** x ← x − lr·g, then a sleep: slow enough to be killed in the middle of a suite. */
    static final class Slow extends Base {
        private final float[] x;
        private final float[] g;
        private final int sleepMs;

        Slow(float[] x, float[] g, double lr, int sleepMs) {
            this.x = x;
            this.g = g;
            this.lr = lr;
            this.sleepMs = sleepMs;
        }

        @Override
        public void step() {
            for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] - lr * g[i]);
            steps++;
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String name() { return "test_slow"; }
    }

    /**
     * x_i ← x_i − lr (f(x + μ e_i) − f(x − μ e_i)) / 2μ with i = step mod n, μ = 1e-3; reports (and
     * publishes as the scalar "loss") (f₊ + f₋)/2 when {@code publish}, otherwise reports f(x) before
     * the step (one more query).
     */
    static final class CoordinateZo extends Base {
        private final float[] x;
        private final boolean publish;
        private double lastLoss = Double.NaN;

        CoordinateZo(float[] x, double lr, boolean publish) {
            this.x = x;
            this.lr = lr;
            this.publish = publish;
        }

        @Override
        public void step() {
            throw new IllegalStateException("test_zo is zeroth-order: call step(objective)");
        }

        @Override
        public StepReport step(Objective f) {
            double before = publish ? Double.NaN : f.loss();
            int i = (int) (steps % x.length);
            float xi = x[i];
            double mu = 1e-3;
            x[i] = (float) (xi + mu);
            double plus = f.loss();
            x[i] = (float) (xi - mu);
            double minus = f.loss();
            x[i] = (float) (xi - lr * (plus - minus) / (2 * mu));
            lastLoss = (plus + minus) / 2;
            steps++;
            return publish ? StepReport.applied(lastLoss, 2) : StepReport.applied(before, 3);
        }

        @Override
        public Map<String, Double> scalars() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("step", (double) steps);
            if (publish && steps > 0) m.put("loss", lastLoss);
            return m;
        }

        @Override
        public String name() { return "test_zo"; }

        @Override
        public boolean needsGradients() { return false; }
    }

    /** Does nothing, then throws on step {@code at}. */
    static final class Throwing extends Base {
        private final int at;

        Throwing(int at) {
            this.at = at;
        }

        @Override
        public void step() {
            if (++steps == at) throw new IllegalStateException("boom at step " + at);
        }

        @Override
        public String name() { return "test_throws"; }
    }
}
