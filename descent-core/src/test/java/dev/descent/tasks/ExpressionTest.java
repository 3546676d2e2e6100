package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are Python 3's {@code eval} of the same text (checked by hand), as exact fractions. */
class ExpressionTest {
    private static String eval(String s) throws Expression.InvalidExpression {
        return Expression.evaluate(s).toString();
    }

    @Test
    void precedenceAssociativityAndParentheses() throws Exception {
        assertEquals("7", eval("1+2*3"));
        assertEquals("9", eval("(1+2)*3"));
        assertEquals("2", eval("8-4-2"), "left associative");
        assertEquals("1", eval("8/4/2"), "left associative");
        assertEquals("24", eval("(12-7)*5-1"));
        assertEquals("1/3", eval("1/3"));
        assertEquals("1", eval("1/3*3"), "exact: Python gives 1.0");
        assertEquals("-2", eval("3-5"), "negative results are values like any other");
        assertEquals("7", eval("  ( 3 +4 )\t"), "whitespace between tokens");
        assertEquals("0", eval("00"), "Python accepts an all-zero literal");
    }

    @Test
    void unaryPlusAndMinusAsPython() throws Exception {
        assertEquals("-3", eval("-3"));
        assertEquals("3", eval("--3"));
        assertEquals("2", eval("-(3-5)"));
        assertEquals("-6", eval("2*-3"));
        assertEquals("4", eval("+4"));
    }

    @Test
    void malformedAndForbiddenInputIsRefused() {
        for (String bad : new String[] {"", "   ", "1+", "+", "(1+2", "1+2)", "()", "1 2", "2(3)", "(1)(2)", "1**2", "7//2", "1.5+2",
                "07+1", "3,4", "a+1", "1+2=3", "<answer>1</answer>", "1e3", "0x10", "２+1", "1/0", "4/(2-2)", "1/(3-3)*5"}) {
            assertThrows(Expression.InvalidExpression.class, () -> Expression.evaluate(bad), bad);
        }
        assertThrows(Expression.InvalidExpression.class, () -> Expression.evaluate(null));
    }

    @Test
    void costIsBounded() throws Exception {
        assertThrows(Expression.InvalidExpression.class, () -> Expression.evaluate("(".repeat(200) + "1" + ")".repeat(200)), "too deep");
        assertThrows(Expression.InvalidExpression.class, () -> Expression.evaluate("-".repeat(200) + "1"), "too deep");
        assertThrows(Expression.InvalidExpression.class, () -> Expression.evaluate("1+".repeat(600) + "1"), "too long");
        assertEquals("51", eval("(".repeat(50) + "1" + ")".repeat(50) + "+50"));
        // A huge literal is exact: 10^300 − (10^300 − 1) = 1.
        assertEquals("1", eval("1" + "0".repeat(300) + "-" + "9".repeat(300)));
    }

    @Test
    void numbersAreFoundAsTinyZerosRegexFindsThem() {
        assertEquals(List.of(BigInteger.valueOf(12), BigInteger.valueOf(7), BigInteger.valueOf(5), BigInteger.ONE),
                Expression.numbers("(12-7)*5-1"));
        assertEquals(List.of(BigInteger.valueOf(7), BigInteger.valueOf(1), BigInteger.valueOf(5)), Expression.numbers("007 + 1.5"));
        assertTrue(Expression.numbers("abc").isEmpty());
    }
}
