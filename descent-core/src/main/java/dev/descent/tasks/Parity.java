package dev.descent.tasks;

import java.util.Map;

/**
 * The parity of {@code bits} random bits (default 16): prompt {@code "0110100111010010="}, reference
 * {@code "0"} or {@code "1"} (the XOR of all bits). Answering directly, with no intermediate steps, is
 * the classic case where supervised training of a transformer on input–answer pairs fails: parity
 * depends on every input bit, a change of any one bit flips it, and self-attention without a
 * scratchpad cannot represent it robustly for long inputs (Hahn, "Theoretical Limitations of
 * Self-Attention in Neural Sequence Models", TACL 2020; Anil et al., "Exploring Length
 * Generalization in Large Language Models", NeurIPS 2022, where fine-tuned models do not learn
 * parity beyond the lengths they saw). Expect a warm-up policy near 50% (chance) here.
 *
 * <p>Verifier (exact): reward 1 when the completion is exactly the parity digit, 0 otherwise.
 */
public final class Parity implements Task {
    public static final String NAME = "parity";
    private final int bits;

    public Parity(int bits) {
        this.bits = bits;
    }

    /** Reads {@code bits} (1–256). */
    public static Parity of(TaskSettings s) {
        Parity p = new Parity(s.integer("bits", 16, 1, 256));
        s.checkAllUsed(NAME);
        return p;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Problem problem(long seed, long index) {
        Draws d = new Draws(NAME, seed, index);
        StringBuilder b = new StringBuilder(bits + 1);
        int parity = 0;
        for (int i = 0; i < bits; i++) {
            int bit = d.below(2);
            parity ^= bit;
            b.append((char) ('0' + bit));
        }
        String answer = Integer.toString(parity);
        return new Problem(b.append('=').toString(), answer, Map.of("parity", answer));
    }

    @Override
    public double reward(Problem problem, String completion) {
        String parity = problem.data().get("parity");
        return parity != null && parity.equals(completion) ? 1.0 : 0.0;
    }

    @Override
    public String alphabet() { return "01=" + stop(); }

    @Override
    public char stop() { return '\n'; }
}
