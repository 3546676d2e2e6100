package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ArithmeticTest {
    private static final Arithmetic ADD_REVERSED = new Arithmetic(Arithmetic.Operation.ADDITION, 2, true);
    private static final Arithmetic ADD_PLAIN = new Arithmetic(Arithmetic.Operation.ADDITION, 2, false);

    /** 85 + 50 = 135: minGPT's docstring example, written "85+50=" → "531" (135 reversed; width 3). */
    private static Problem sum85and50(Arithmetic task) {
        boolean rev = task == ADD_REVERSED;
        return new Problem("85+50=", rev ? "531" : "135", Map.of("a", "85", "b", "50", "answer", "135", "reversed", Boolean.toString(rev)));
    }

    @Test
    void referenceIsTheZeroPaddedAnswerReversedAsMinGptWritesIt() {
        for (long i = 0; i < 300; i++) {
            Problem p = ADD_REVERSED.problem(7, i);
            String prompt = p.prompt();
            assertTrue(prompt.matches("\\d{2}\\+\\d{2}="), prompt);
            int a = Integer.parseInt(prompt.substring(0, 2));
            int b = Integer.parseInt(prompt.substring(3, 5));
            String padded = String.format("%03d", a + b);
            assertEquals(new StringBuilder(padded).reverse().toString(), p.reference(), prompt);
            assertEquals(1.0, ADD_REVERSED.reward(p, p.reference()));
        }
        Problem p = ADD_PLAIN.problem(7, 3);
        int a = Integer.parseInt(p.prompt().substring(0, 2));
        int b = Integer.parseInt(p.prompt().substring(3, 5));
        assertEquals(String.format("%03d", a + b), p.reference());
    }

    @Test
    void verifierAcceptsPaddedAndUnpaddedAnswersOnly() {
        Problem rev = sum85and50(ADD_REVERSED);
        assertEquals(1.0, ADD_REVERSED.reward(rev, "531"));
        Problem padded = new Problem("12+34=", "640", Map.of("a", "12", "b", "34", "answer", "46", "reversed", "true"));
        assertEquals(1.0, ADD_REVERSED.reward(padded, "640"), "zero-padded to width 3, reversed");
        assertEquals(1.0, ADD_REVERSED.reward(padded, "64"), "unpadded, reversed");
        assertEquals(0.0, ADD_REVERSED.reward(padded, "046"), "not reversed");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "135"), "not reversed");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "53100"), "more digits than the width");
        assertEquals(0.0, ADD_REVERSED.reward(rev, ""), "empty");
        assertEquals(0.0, ADD_REVERSED.reward(rev, " 531"), "leading space");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "531 "), "trailing space");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "-531"), "sign");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "5\n31"), "stop character inside");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "9".repeat(100_000)), "huge number");
        assertEquals(0.0, ADD_REVERSED.reward(rev, "５３１"), "non-ASCII digits");
        Problem plain = sum85and50(ADD_PLAIN);
        assertEquals(1.0, ADD_PLAIN.reward(plain, "135"));
        assertEquals(0.0, ADD_PLAIN.reward(plain, "0135"), "four digits: wider than the answer's width 3");
        Arithmetic one = new Arithmetic(Arithmetic.Operation.ADDITION, 1, false);
        Problem small = new Problem("5+3=", "08", Map.of("a", "5", "b", "3", "answer", "8", "reversed", "false"));
        assertEquals(1.0, one.reward(small, "08"), "leading zero within the width");
        assertEquals(1.0, one.reward(small, "8"));
        assertEquals(0.0, one.reward(small, "008"));
    }

    @Test
    void widthIsDigitsPlusOneForSumsAndTwiceDigitsForProducts() {
        assertEquals(3, ADD_PLAIN.answerWidth());
        Problem plain = sum85and50(ADD_PLAIN);
        assertEquals(1.0, ADD_PLAIN.reward(plain, "135"));
        assertEquals(0.0, ADD_PLAIN.reward(plain, "00135"));
        Arithmetic mul = new Arithmetic(Arithmetic.Operation.MULTIPLICATION, 3, false);
        assertEquals(6, mul.answerWidth());
        for (long i = 0; i < 200; i++) {
            Problem p = mul.problem(1, i);
            String[] ab = p.prompt().substring(0, p.prompt().length() - 1).split("\\*");
            BigInteger product = new BigInteger(ab[0]).multiply(new BigInteger(ab[1]));
            assertEquals(String.format("%06d", product), p.reference());
            assertEquals(1.0, mul.reward(p, p.reference()));
            assertEquals(1.0, mul.reward(p, product.toString()));
        }
    }

    @Test
    void largeOperandsAreExact() {
        Arithmetic add = new Arithmetic(Arithmetic.Operation.ADDITION, 40, false);
        Problem p = add.problem(3, 0);
        String[] ab = p.prompt().substring(0, p.prompt().length() - 1).split("\\+");
        assertEquals(40, ab[0].length());
        BigInteger sum = new BigInteger(ab[0]).add(new BigInteger(ab[1]));
        assertEquals(sum, new BigInteger(p.reference()));
        assertEquals(1.0, add.reward(p, sum.toString()));
        assertEquals(0.0, add.reward(p, sum.add(BigInteger.ONE).toString()));
    }

    @Test
    void compareGivesTheDirectionOfAWrongValue() {
        Problem rev = sum85and50(ADD_REVERSED);
        assertEquals(OptionalInt.of(1), ADD_REVERSED.compare(rev, "631"), "136 > 135");
        assertEquals(OptionalInt.of(-1), ADD_REVERSED.compare(rev, "431"), "134 < 135");
        assertEquals(OptionalInt.of(0), ADD_REVERSED.compare(rev, "531"));
        assertEquals(OptionalInt.empty(), ADD_REVERSED.compare(rev, "5310"), "wider than the answer");
        assertEquals(OptionalInt.empty(), ADD_REVERSED.compare(rev, "x"));
        assertEquals(OptionalInt.empty(), ADD_REVERSED.compare(new Problem("", "", Map.of()), "1"), "no answer in the data");
    }

    @Test
    void streamsAreDeterministicAndSeedDependent() {
        for (long i = 0; i < 50; i++) assertEquals(ADD_REVERSED.problem(11, i), ADD_REVERSED.problem(11, i));
        int differ = 0;
        for (long i = 0; i < 50; i++) if (!ADD_REVERSED.problem(11, i).equals(ADD_REVERSED.problem(12, i))) differ++;
        assertTrue(differ > 40, "other seed, other problems: " + differ);
        assertNotEquals(ADD_REVERSED.problem(11, 0), ADD_REVERSED.problem(11, 1));
        // Problem i does not depend on the problems made before it.
        Problem late = ADD_REVERSED.problem(11, 1_000_000_007L);
        assertEquals(late, new Arithmetic(Arithmetic.Operation.ADDITION, 2, true).problem(11, 1_000_000_007L));
    }

    @Test
    void settingsAreReadAndChecked() {
        Task t = Tasks.create("addition", Map.of("digits", "5", "reversed", "false"));
        assertTrue(t.problem(0, 0).prompt().matches("\\d{5}\\+\\d{5}="));
        assertEquals(6, t.problem(0, 0).reference().length());
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("addition", Map.of("digits", "0")));
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("addition", Map.of("digits", "two")));
        assertThrows(IllegalArgumentException.class, () -> Tasks.create("addition", Map.of("reversed", "yes")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.create("addition", Map.of("digit", "3")));
        assertTrue(e.getMessage().contains("'digit'") && e.getMessage().contains("digits, reversed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tasks.create("subtraction", Map.of()));
        assertTrue(e.getMessage().contains("addition, multiplication, countdown, sorting, parity"), e.getMessage());
    }
}
