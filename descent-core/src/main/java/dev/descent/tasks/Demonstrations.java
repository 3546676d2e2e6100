package dev.descent.tasks;

import dev.descent.tensor.Philox;

/**
 * Imperfect demonstrations for supervised warm-up: the reference of problem i, or, with probability
 * {@code corruption}, the reference with one digit replaced by a different digit of the task's
 * alphabet (for parity, the bit flipped). Both draws (whether
 * to corrupt, which digit, which new digit) come from the Philox stream (seed, "tasks/corrupt")
 * derived by i, so the demonstration set is a function of (task, seed, corruption).
 *
 * <p>Every task's reference contains a digit, and changing one digit always makes the answer wrong:
 * an arithmetic answer changes its value, a sorted list its multiset, a parity bit flips, and a
 * Countdown expression then uses a number that is not among the given ones (reward
 * {@link Countdown#FORMAT_SCORE}). A policy trained on such data imitates the errors at about the
 * corruption rate when it samples, on top of its own mistakes.
 */
public final class Demonstrations {
    private final Task task;
    private final long seed;
    private final double corruption;
    /** The digits of the task's alphabet: a corrupted digit is replaced by another of them. */
    private final String digits;

    /** @param corruption fraction of demonstrations with one wrong digit, in [0, 1] */
    public Demonstrations(Task task, long seed, double corruption) {
        if (!(corruption >= 0 && corruption <= 1)) throw new IllegalArgumentException("corruption must be in [0, 1], got " + corruption);
        this.task = task;
        this.seed = seed;
        this.corruption = corruption;
        this.digits = task.alphabet().chars().filter(c -> c >= '0' && c <= '9').sorted()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (corruption > 0 && digits.length() < 2) {
            throw new IllegalArgumentException("task " + task.name() + " has fewer than two digits in its alphabet; its demonstrations cannot be corrupted");
        }
    }

    /** The problem of index i of the task's stream keyed by this seed. */
    public Problem problem(long index) {
        return task.problem(seed, index);
    }

    /** The demonstrated completion of problem {@code index}: its reference, or a corrupted copy. */
    public String completion(long index) {
        return completion(problem(index), index);
    }

    /** The demonstrated completion of {@code problem}, which is problem {@code index} of the stream. */
    public String completion(Problem problem, long index) {
        Philox r = Philox.stream(seed, "tasks/corrupt").derive(index);
        String ref = problem.reference();
        if (r.uniform(0) >= corruption) return ref;
        return corrupt(ref, digits, r.nextInt(1, Integer.MAX_VALUE), r.nextInt(2, digits.length() - 1));
    }

    /**
     * {@code text} with its (pick mod n)-th digit (of n) replaced by the digit {@code 1 + shift} places
     * after it in {@code digits} (cyclically), so never by itself; text without digits is returned as is.
     */
    static String corrupt(String text, String digits, int pick, int shift) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) >= '0' && text.charAt(i) <= '9') count++;
        if (count == 0) return text;
        int target = pick % count;
        StringBuilder b = new StringBuilder(text);
        for (int i = 0, k = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c < '0' || c > '9') continue;
            if (k++ == target) {
                b.setCharAt(i, digits.charAt((digits.indexOf(c) + 1 + shift) % digits.length()));
                break;
            }
        }
        return b.toString();
    }

    /** One line of training text: prompt, demonstrated completion, stop character. */
    public String line(long index) {
        Problem p = problem(index);
        return p.prompt() + completion(p, index) + task.stop();
    }
}
