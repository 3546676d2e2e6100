package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import java.util.List;
import org.junit.jupiter.api.Test;

class DadaoTest {
    /** f_i(x) = a_i/2 ‖x − c_i‖². */
    private static Dadao.LocalGradient quadratics(double[] a, double[][] c) {
        return (node, x, out) -> {
            for (int k = 0; k < x.length; k++) out[k] = a[node] * (x[k] - c[node][k]);
        };
    }

    @Test
    void fixedEventsMatchTorch() {
        // bench/golden/dadao_golden.py: torch.linalg.matrix_exp for the ODE, the jumps written out in float64
        var f = quadratics(new double[] {1.0, 2.0, 0.5}, new double[][] {{1.0, -1.0}, {0.5, 2.0}, {-2.0, 0.25}});
        var d = new Dadao(new float[] {0.3f, -0.2f}, 3, 0.5, 2.0, 0.7);
        List<Dadao.Event> events = List.of(new Dadao.Event(0.4, true, 1, -1), new Dadao.Event(0.9, false, 0, 2),
                new Dadao.Event(1.3, true, 0, -1), new Dadao.Event(1.35, false, 1, 2), new Dadao.Event(2.0, true, 2, -1),
                new Dadao.Event(2.6, false, 0, 1), new Dadao.Event(3.1, true, 1, -1));
        for (var e : events) d.play(e, f);
        assertArrayEquals(new double[] {0.37685436801918537, -0.29703778324934527}, d.x(0), 1e-12);
        assertArrayEquals(new double[] {0.3205056532044894, 0.23915952948620378}, d.x(1), 1e-12);
        assertArrayEquals(new double[] {0.14400505222723206, -0.13490154620862177}, d.x(2), 1e-12);
        assertArrayEquals(new double[] {0.017904983699843845, -0.32355133228706834}, d.z(0), 1e-12);
        assertArrayEquals(new double[] {-0.0303212524072492, -0.27229143432475283}, d.z(2), 1e-12);
        d.advanceAll(4.0);
        assertArrayEquals(new double[] {0.3722696681857618, -0.29793373961383135}, d.x(0), 1e-12);
        assertSumsVanish(d, 3, 2, 1e-14);
    }

    private static void assertSumsVanish(Dadao d, int nodes, int dim, double tol) {
        for (int k = 0; k < dim; k++) {
            double z = 0, zt = 0;
            for (int i = 0; i < nodes; i++) {
                z += d.z(i)[k];
                zt += d.zTilde(i)[k];
            }
            assertEquals(0, z, tol, "sum of z");
            assertEquals(0, zt, tol, "sum of z~");
        }
    }

    @Test
    void theFlowComposes() {
        double[] m = new double[36];
        var rnd = Philox.stream(1, "test");
        for (int i = 0; i < 36; i++) m[i] = rnd.gaussian(i);
        double[] whole = Dadao.expm(m, 0.7);
        double[] a = Dadao.expm(m, 0.3), b = Dadao.expm(m, 0.4);
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 6; c++) {
                double s = 0;
                for (int k = 0; k < 6; k++) s += a[r * 6 + k] * b[k * 6 + c];
                assertEquals(whole[r * 6 + c], s, 1e-12 * Math.max(1, Math.abs(s)));
            }
        }
        assertEquals(1.0, Dadao.expm(m, 0)[7], 0); // exp(0) = I
    }

    @Test
    void convergesToTheMinimiserOfTheSumOnARingAndKeepsTheDualSumsAtZero() {
        // Σ_i a_i/2 ‖x − c_i‖² is minimised at x* = Σ a_i c_i / Σ a_i; every node must get there.
        double[] a = {1.0, 2.0, 0.5, 1.5, 1.0};
        double[][] c = {{1, -1}, {0.5, 2}, {-2, 0.25}, {0, 1}, {3, -0.5}};
        double[] star = new double[2];
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += a[i];
            for (int k = 0; k < 2; k++) star[k] += a[i] * c[i][k];
        }
        for (int k = 0; k < 2; k++) star[k] /= sum;
        var graph = GossipGraph.of("ring", 5);
        var d = new Dadao(new float[] {0, 0}, 5, 0.5, 2.0, graph.chi1() / graph.gossipRate());
        var f = quadratics(a, c);
        for (var e : Dadao.poissonEvents(Philox.stream(2, "dadao"), 0, 400, 5, 5, graph.edges(), graph.gossipRate())) d.play(e, f);
        d.advanceAll(400);
        for (int i = 0; i < 5; i++) assertArrayEquals(star, d.x(i), 1e-6, "node " + i);
        assertSumsVanish(d, 5, 2, 1e-12);
    }

    @Test
    void graphConstantsMatchTheirClosedForms() {
        // complete K_n: λ₂(L/|E|) = 2/(n − 1) and every edge's resistance under L/|E| is |E|·(2/n), half of it (n − 1)/2
        var k6 = GossipGraph.of("complete", 6);
        assertEquals(15, k6.edges().length);
        assertEquals(2.5, k6.chi1(), 1e-12);
        assertEquals(2.5, k6.chi2(), 1e-12);
        // cycle C_n: λ₂(L) = 2 − 2cos(2π/n), |E| = n; an edge's resistance is (n − 1)/n, so χ₂ = (n − 1)/2
        var c7 = GossipGraph.of("ring", 7);
        assertEquals(7, c7.edges().length);
        assertEquals(7 / (2 - 2 * Math.cos(2 * Math.PI / 7)), c7.chi1(), 1e-10);
        assertEquals(3.0, c7.chi2(), 1e-10);
        assertEquals(Math.sqrt(2 * c7.chi1() * c7.chi2()), c7.gossipRate(), 1e-12);
    }

    @Test
    void poissonEventsHaveTheirRatesAndAreOrdered() {
        var edges = GossipGraph.of("complete", 4).edges();
        var events = Dadao.poissonEvents(Philox.stream(3, "dadao"), 10, 1010, 4, 4, edges, 2.5);
        long grads = events.stream().filter(Dadao.Event::gradient).count();
        long mixes = events.size() - grads;
        assertEquals(4000, grads, 4 * Math.sqrt(4000)); // Poisson: sd = √mean
        assertEquals(2500, mixes, 4 * Math.sqrt(2500));
        for (int i = 1; i < events.size(); i++) assertTrue(events.get(i).time() >= events.get(i - 1).time());
        assertTrue(events.getFirst().time() >= 10 && events.getLast().time() < 1010);
        assertEquals(events, Dadao.poissonEvents(Philox.stream(3, "dadao"), 10, 1010, 4, 4, edges, 2.5));
    }

    @Test
    void runsOnDigitsReproduciblyAndLearn() {
        var config = FedConfig.of(List.of("strategy=dadao", "clients=4", "rounds=2", "hidden=0", "alpha=1", "seed=1"));
        var run = ReproducibleRun.of(config);
        var first = run.simulation();
        var r = run.rounds();
        assertTrue(r.getLast().testAccuracy() > 0.5, "accuracy " + r.getLast().testAccuracy()); // chance is 0.1
        assertTrue(first.uplinkBytes() > 0);
    }

    @Test
    void clearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new Dadao(new float[2], 1, 0.5, 2, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> new Dadao(new float[2], 3, 0.5, 0.1, 1));
        assertTrue(e.getMessage().contains("dadao_l"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dadao(new float[2], 3, 0, 2, 1));
        e = assertThrows(IllegalArgumentException.class, () -> GossipGraph.of("star", 4));
        assertTrue(e.getMessage().contains("complete"), e.getMessage());
        var config = FedConfig.of(List.of("clients=4", "strategy=dadao", "fraction_fit=0.5"));
        e = assertThrows(IllegalArgumentException.class, () -> FederatedSimulation.of(config).round());
        assertTrue(e.getMessage().contains("fraction_fit=1"), e.getMessage());
    }
}
