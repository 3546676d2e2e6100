package dev.descent.tasks;

import java.math.BigInteger;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Multi-digit addition or multiplication of two {@code digits}-digit numbers, after minGPT's adder
 * ({@code karpathy/minGPT projects/adder/adder.py}, commit 00aa9cb2edfd85f4bd80d256838ed7eec3088921):
 * both operands are zero-padded to {@code digits} characters and the answer to its full width
 * ({@code digits + 1} for a sum, {@code 2·digits} for a product), and with {@code reversed} (the
 * default, as minGPT) the answer is written least significant digit first, the order in which the
 * school algorithm produces it. Unlike minGPT the text keeps the operator and an equals sign
 * ({@code "085+050="} → {@code "5310"}, i.e. 135 reversed), so prompts read as sums, and the
 * operands are drawn uniformly from [0, 10^digits) with replacement instead of split from a
 * permutation of all pairs (which minGPT can afford only up to 3 digits).
 *
 * <p>Verifier (exact): reward 1 when the completion is 1 to width ASCII digits whose value (read
 * reversed when {@code reversed}) is the answer, so both the padded and the unpadded answer count;
 * anything else (signs, spaces, other characters, more digits than the width, a wrong value) is 0.
 *
 * <p>Settings: {@code digits} (1–40, default 2) and {@code reversed} (default true).
 */
public final class Arithmetic implements DirectionalTask {
    /** The two operations. */
    public enum Operation {
        ADDITION("addition", '+'),
        MULTIPLICATION("multiplication", '*');

        final String taskName;
        final char symbol;

        Operation(String taskName, char symbol) {
            this.taskName = taskName;
            this.symbol = symbol;
        }
    }

    private final Operation op;
    private final int digits;
    private final boolean reversed;
    private final int width;

    public Arithmetic(Operation op, int digits, boolean reversed) {
        if (digits < 1 || digits > 40) throw new IllegalArgumentException("task setting 'digits' = " + digits + " is out of range; allowed: an integer in [1, 40]");
        this.op = op;
        this.digits = digits;
        this.reversed = reversed;
        this.width = op == Operation.ADDITION ? digits + 1 : 2 * digits;
    }

    /** Reads {@code digits} and {@code reversed} from {@code settings}. */
    public static Arithmetic of(Operation op, TaskSettings settings) {
        Arithmetic a = new Arithmetic(op, settings.integer("digits", 2, 1, 40), settings.bool("reversed", true));
        settings.checkAllUsed(op.taskName);
        return a;
    }

    @Override
    public String name() { return op.taskName; }

    /** Characters of the answer (the answer is zero-padded to this width). */
    public int answerWidth() { return width; }

    @Override
    public Problem problem(long seed, long index) {
        Draws d = new Draws(name(), seed, index);
        String a = d.digits(digits);
        String b = d.digits(digits);
        BigInteger x = new BigInteger(a);
        BigInteger y = new BigInteger(b);
        BigInteger answer = op == Operation.ADDITION ? x.add(y) : x.multiply(y);
        String padded = pad(answer.toString());
        String reference = reversed ? new StringBuilder(padded).reverse().toString() : padded;
        return new Problem(a + op.symbol + b + "=", reference, Map.of("a", x.toString(), "b", y.toString(),
                "answer", answer.toString(), "reversed", Boolean.toString(reversed)));
    }

    private String pad(String s) {
        return "0".repeat(width - s.length()) + s;
    }

    @Override
    public double reward(Problem problem, String completion) {
        OptionalInt c = compare(problem, completion);
        return c.isPresent() && c.getAsInt() == 0 ? 1.0 : 0.0;
    }

    @Override
    public OptionalInt compare(Problem problem, String completion) {
        BigInteger value = valueOf(completion);
        String answer = problem.data().get("answer");
        if (value == null || answer == null) return OptionalInt.empty();
        try {
            return OptionalInt.of(Integer.signum(value.compareTo(new BigInteger(answer))));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The number a completion writes, or null when it is not 1 to width digits. */
    private BigInteger valueOf(String completion) {
        if (completion == null || completion.isEmpty() || completion.length() > width) return null;
        for (int i = 0; i < completion.length(); i++) {
            char c = completion.charAt(i);
            if (c < '0' || c > '9') return null;
        }
        return new BigInteger(reversed ? new StringBuilder(completion).reverse().toString() : completion);
    }

    @Override
    public String alphabet() { return "0123456789" + op.symbol + "=" + stop(); }

    @Override
    public char stop() { return '\n'; }
}
