package dev.descent.tasks;

import java.math.BigInteger;

/** An exact fraction p/q in lowest terms with q > 0, for evaluating Countdown expressions without rounding. */
public record Rational(BigInteger numerator, BigInteger denominator) {
    public Rational {
        if (denominator.signum() == 0) throw new ArithmeticException("division by zero");
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger g = numerator.gcd(denominator);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            numerator = numerator.divide(g);
            denominator = denominator.divide(g);
        }
    }

    public static Rational of(BigInteger n) { return new Rational(n, BigInteger.ONE); }

    public static Rational of(long n) { return of(BigInteger.valueOf(n)); }

    public Rational add(Rational o) {
        return new Rational(numerator.multiply(o.denominator).add(o.numerator.multiply(denominator)), denominator.multiply(o.denominator));
    }

    public Rational subtract(Rational o) { return add(o.negate()); }

    public Rational multiply(Rational o) {
        return new Rational(numerator.multiply(o.numerator), denominator.multiply(o.denominator));
    }

    /** This / o; throws {@link ArithmeticException} when o is zero. */
    public Rational divide(Rational o) {
        return new Rational(numerator.multiply(o.denominator), denominator.multiply(o.numerator));
    }

    public Rational negate() { return new Rational(numerator.negate(), denominator); }

    public boolean isInteger() { return denominator.equals(BigInteger.ONE); }

    @Override
    public String toString() { return isInteger() ? numerator.toString() : numerator + "/" + denominator; }
}
