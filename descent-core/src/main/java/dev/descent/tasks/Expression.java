package dev.descent.tasks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A safe parser and exact evaluator of the arithmetic expressions a Countdown answer holds (no
 * scripting engine, no reflection): integers, binary {@code + - * /}, unary {@code + -}, parentheses
 * and whitespace between tokens, with the usual precedence and left associativity:
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := ('+' | '-') unary | atom
 *   atom   := integer | '(' expr ')'
 * </pre>
 * This is the part of Python's expression grammar that TinyZero's {@code evaluate_equation} lets
 * through its character filter {@code ^[\d+\-*\/().\s]+$} and {@code eval}, minus what the
 * Countdown rules exclude: {@code **} (power), {@code //} (floor division) and decimal points are
 * refused here where Python would evaluate them. Integers follow Python 3's literal rule: a
 * leading zero is a syntax error ({@code 07}) unless every digit is zero ({@code 00}). Division is
 * exact ({@link Rational}); division by zero is an error, as Python's {@code ZeroDivisionError}.
 * Input longer than {@link #MAX_LENGTH} characters or nested deeper than {@link #MAX_DEPTH} is
 * refused, which bounds the cost of evaluating any string.
 */
public final class Expression {
    /** Longest expression evaluated. */
    public static final int MAX_LENGTH = 1000;
    /** Deepest nesting of parentheses and unary signs. */
    public static final int MAX_DEPTH = 100;

    /** An expression that cannot be evaluated: malformed, too long, or dividing by zero. */
    public static final class InvalidExpression extends Exception {
        InvalidExpression(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int pos;
    private int depth;

    private Expression(String text) {
        this.text = text;
    }

    /** The exact value of {@code text}, or an {@link InvalidExpression} saying why there is none. */
    public static Rational evaluate(String text) throws InvalidExpression {
        if (text == null) throw new InvalidExpression("no expression");
        if (text.length() > MAX_LENGTH) throw new InvalidExpression("expression longer than " + MAX_LENGTH + " characters");
        Expression e = new Expression(text);
        Rational v = e.expr();
        e.skipSpace();
        if (e.pos != text.length()) throw e.error("unexpected '" + text.charAt(e.pos) + "'");
        return v;
    }

    /** The integers written in {@code text}, left to right, as TinyZero's {@code re.findall(r'\d+', …)} finds them. */
    public static List<BigInteger> numbers(String text) {
        List<BigInteger> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (isDigit(text.charAt(i))) {
                int start = i;
                while (i < text.length() && isDigit(text.charAt(i))) i++;
                out.add(new BigInteger(text.substring(start, i)));
            } else {
                i++;
            }
        }
        return out;
    }

    private Rational expr() throws InvalidExpression {
        Rational v = term();
        while (true) {
            char c = peek();
            if (c == '+') {
                pos++;
                v = v.add(term());
            } else if (c == '-') {
                pos++;
                v = v.subtract(term());
            } else {
                return v;
            }
        }
    }

    private Rational term() throws InvalidExpression {
        Rational v = unary();
        while (true) {
            char c = peek();
            if (c != '*' && c != '/') return v;
            pos++;
            if (pos < text.length() && text.charAt(pos) == c) throw error(c == '*' ? "'**' (power) is not allowed" : "'//' (floor division) is not allowed");
            Rational r = unary();
            if (c == '*') {
                v = v.multiply(r);
            } else {
                if (r.numerator().signum() == 0) throw error("division by zero");
                v = v.divide(r);
            }
        }
    }

    private Rational unary() throws InvalidExpression {
        char c = peek();
        if (c == '+' || c == '-') {
            pos++;
            enter();
            Rational v = unary();
            depth--;
            return c == '-' ? v.negate() : v;
        }
        return atom();
    }

    private Rational atom() throws InvalidExpression {
        char c = peek();
        if (c == '(') {
            pos++;
            enter();
            Rational v = expr();
            depth--;
            if (peek() != ')') throw error(pos >= text.length() ? "missing ')'" : "expected ')'");
            pos++;
            return v;
        }
        if (isDigit(c)) {
            int start = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) pos++;
            String digits = text.substring(start, pos);
            if (pos < text.length() && text.charAt(pos) == '.') throw error("decimal numbers are not allowed");
            if (digits.length() > 1 && digits.charAt(0) == '0' && !digits.chars().allMatch(d -> d == '0')) {
                throw error("leading zero in " + digits);
            }
            return Rational.of(new BigInteger(digits));
        }
        throw error(pos >= text.length() ? "unexpected end" : "unexpected '" + c + "'");
    }

    private void enter() throws InvalidExpression {
        if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
    }

    /** The next non-space character (consumed spaces), or 0 at the end. */
    private char peek() {
        skipSpace();
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length() && isSpace(text.charAt(pos))) pos++;
    }

    /** Python's whitespace inside an expression: space, tab, form feed, and line ends. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == 0x0B;
    }

    /** ASCII digits only (Python's {@code \d} also matches other scripts' digits, which {@code int()} would read; this verifier does not). */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private InvalidExpression error(String why) {
        return new InvalidExpression(why + " at position " + pos);
    }
}
