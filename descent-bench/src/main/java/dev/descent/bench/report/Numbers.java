package dev.descent.bench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting for tables and axis labels: significant digits, plain notation where readable. */
final class Numbers {
    static final String MISSING = "—";

    private Numbers() {}

    /**
     * {@code v} to at most {@code digits} significant digits, trailing zeros dropped: plain notation
     * for 10⁻³ ≤ |v| < 10⁶ ({@code 0.9123}, {@code 1235}, {@code 4}), else {@code 1.235e-5},
     * {@code 2e6}; {@code —} when not finite.
     */
    static String sig(double v, int digits) {
        if (!Double.isFinite(v)) return MISSING;
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_UP)).stripTrailingZeros();
            if (d.scale() < 0) d = d.setScale(0, RoundingMode.UNNECESSARY);
            return d.toPlainString();
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v); // 1.235e-05
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + exponent;
    }

    /** {@code mean ± std} of the finite values, or the mean alone for a single value. */
    static String meanStd(Stats s, int digits) {
        if (s.n() == 0) return MISSING;
        if (s.n() == 1) return sig(s.mean(), digits);
        return sig(s.mean(), digits) + " ± " + sig(s.std(), 2);
    }

    /** A tick label for a value on an axis whose ticks are {@code step} apart. */
    static String tick(double v, double step) {
        if (Math.abs(v) < step * 1e-9) return "0";
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-3) return sig(v, 3);
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
