package dev.descent.tasks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Countdown as TinyZero poses it: combine 3–4 given numbers with {@code + - * /} and parentheses,
 * each number exactly once, to reach a target; the answer is an expression inside
 * {@code <answer>…</answer>}.
 *
 * <p>Reward: TinyZero's {@code compute_score} ({@code Jiayi-Pan/TinyZero
 * verl/utils/reward_score/countdown.py}, commit f36b1b8d53f3ea99a486cb1dcbcb539e603f8f04) with its
 * defaults {@code format_score = 0.1}, {@code score = 1}:
 * <ol>
 *   <li>the answer is the text of the <em>last</em> non-greedy match of {@code <answer>(.*?)</answer>},
 *       stripped of surrounding whitespace; no match → 0;</li>
 *   <li>the integers in it ({@code \d+}), sorted, must equal the given numbers, sorted (each used
 *       exactly once, compared by value) → else 0.1;</li>
 *   <li>it must evaluate ({@link Expression}; malformed, division by zero → 0.1) to the target
 *       → 1, else 0.1.</li>
 * </ol>
 * Two choices differ from the reference and are deliberate: evaluation is exact ({@link Rational})
 * where TinyZero compares a float with tolerance 1e−5, and {@link Expression} refuses {@code **},
 * {@code //} and decimals, which Python's {@code eval} would accept. TinyZero first cuts the chat
 * transcript at "Assistant:" and keeps its last line; here the completion is already the policy's
 * text and contains no line end (the stop character), so that step has nothing to do.
 *
 * <p>Problems: {@code n} numbers (uniform in [{@code min_numbers}, {@code max_numbers}], default 3–4,
 * as TinyZero's 3-to-4 dataset) drawn uniformly from [1, {@code max_number}] (default 99), and a
 * target made by a random expression over all of them: repeatedly two of the remaining values are
 * combined by an operation chosen uniformly among those that keep every intermediate a
 * non-negative integer (+, − larger minus smaller, ×, ÷ when exact), until one value is left. A draw
 * whose target is outside [1, {@code max_target}] (default 999) is redrawn. The reference is that
 * expression (fully parenthesised, outer parentheses dropped) in answer tags, so every problem is
 * solvable. Prompt: the numbers, comma-separated, then {@code :target=}, e.g. {@code "3,7,12,5:24="}.
 */
public final class Countdown implements DirectionalTask {
    public static final String NAME = "countdown";
    /** TinyZero's {@code format_score}: a well-formed answer that is wrong. */
    public static final double FORMAT_SCORE = 0.1;
    /** TinyZero's {@code score}: a correct answer. */
    public static final double SCORE = 1.0;
    private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>");
    /** Redraws allowed before a problem is declared impossible for the settings (never reached with sane settings). */
    private static final int MAX_ATTEMPTS = 10_000;

    private final int minNumbers;
    private final int maxNumbers;
    private final int maxNumber;
    private final int maxTarget;

    /** Intermediate values stay below 999⁵ &lt; 2⁶³ with at most 5 numbers of at most 3 digits. */
    public Countdown(int minNumbers, int maxNumbers, int maxNumber, int maxTarget) {
        if (minNumbers < 2 || maxNumbers > 5 || minNumbers > maxNumbers) {
            throw new IllegalArgumentException("task setting 'min_numbers'/'max_numbers' = " + minNumbers + "/" + maxNumbers
                    + " is out of range; allowed: 2 <= min_numbers <= max_numbers <= 5");
        }
        this.minNumbers = minNumbers;
        this.maxNumbers = maxNumbers;
        this.maxNumber = maxNumber;
        this.maxTarget = maxTarget;
    }

    /** Reads {@code min_numbers}, {@code max_numbers}, {@code max_number}, {@code max_target}. */
    public static Countdown of(TaskSettings s) {
        Countdown c = new Countdown(s.integer("min_numbers", 3, 2, 5), s.integer("max_numbers", 4, 2, 5),
                s.integer("max_number", 99, 1, 999), s.integer("max_target", 999, 1, 1_000_000));
        s.checkAllUsed(NAME);
        return c;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Problem problem(long seed, long index) {
        Draws d = new Draws(NAME, seed, index);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int n = d.between(minNumbers, maxNumbers);
            long[] numbers = new long[n];
            for (int i = 0; i < n; i++) numbers[i] = d.between(1, maxNumber);
            List<Long> values = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (long v : numbers) {
                values.add(v);
                texts.add(Long.toString(v));
            }
            while (values.size() > 1) {
                int i = d.below(values.size());
                int j = d.below(values.size() - 1);
                if (j >= i) j++;
                long a = values.get(i);
                long b = values.get(j);
                List<Character> ops = new ArrayList<>(List.of('+', '-', '*'));
                if (b != 0 && a % b == 0) ops.add('/');
                char op = ops.get(d.below(ops.size()));
                long v;
                String t;
                switch (op) {
                    case '+' -> { v = a + b; t = "(" + texts.get(i) + "+" + texts.get(j) + ")"; }
                    case '-' -> {
                        v = Math.abs(a - b);
                        t = a >= b ? "(" + texts.get(i) + "-" + texts.get(j) + ")" : "(" + texts.get(j) + "-" + texts.get(i) + ")";
                    }
                    case '*' -> { v = a * b; t = "(" + texts.get(i) + "*" + texts.get(j) + ")"; }
                    default -> { v = a / b; t = "(" + texts.get(i) + "/" + texts.get(j) + ")"; }
                }
                values.remove(Math.max(i, j));
                values.remove(Math.min(i, j));
                texts.remove(Math.max(i, j));
                texts.remove(Math.min(i, j));
                values.add(v);
                texts.add(t);
            }
            long target = values.get(0);
            if (target < 1 || target > maxTarget) continue;
            String expr = texts.get(0);
            if (expr.startsWith("(")) expr = expr.substring(1, expr.length() - 1);
            StringBuilder prompt = new StringBuilder();
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    prompt.append(',');
                    list.append(',');
                }
                prompt.append(numbers[i]);
                list.append(numbers[i]);
            }
            prompt.append(':').append(target).append('=');
            return new Problem(prompt.toString(), "<answer>" + expr + "</answer>",
                    Map.of("numbers", list.toString(), "target", Long.toString(target)));
        }
        throw new IllegalStateException("no Countdown problem with a target in [1, " + maxTarget + "] after " + MAX_ATTEMPTS + " draws; raise max_target");
    }

    /** The last answer in the completion, stripped, or null when there is none (TinyZero's {@code extract_solution}). */
    static String extractAnswer(String completion) {
        if (completion == null) return null;
        Matcher m = ANSWER.matcher(completion);
        String last = null;
        while (m.find()) last = m.group(1);
        return last == null ? null : last.strip();
    }

    @Override
    public double reward(Problem problem, String completion) {
        String answer = extractAnswer(completion);
        if (answer == null) return 0.0;
        OptionalInt c = compare(problem, completion);
        return c.isPresent() && c.getAsInt() == 0 ? SCORE : FORMAT_SCORE;
    }

    /** The sign of (the answer's value − target) when the answer uses the given numbers and evaluates; else empty. */
    @Override
    public OptionalInt compare(Problem problem, String completion) {
        try {
            String answer = extractAnswer(completion);
            if (answer == null || !usesEachNumberOnce(answer, problem.data().get("numbers"))) return OptionalInt.empty();
            Rational value = Expression.evaluate(answer);
            Rational target = Rational.of(new BigInteger(problem.data().get("target")));
            return OptionalInt.of(Integer.signum(value.subtract(target).numerator().signum()));
        } catch (Expression.InvalidExpression | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** TinyZero's {@code validate_equation}: the integers of the answer, sorted, equal the given numbers, sorted. */
    static boolean usesEachNumberOnce(String answer, String numbers) {
        List<BigInteger> used = new ArrayList<>(Expression.numbers(answer));
        List<BigInteger> given = new ArrayList<>();
        for (String s : numbers.split(",")) given.add(new BigInteger(s.strip()));
        used.sort(null);
        given.sort(null);
        return used.equals(given);
    }

    @Override
    public String alphabet() { return "0123456789+-*/()<>answer,:=" + stop(); }

    @Override
    public char stop() { return '\n'; }
}
