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
     * {@code v} to exactly {@code digits} significant digits, so a column of numbers lines up:
     * plain notation for 10⁻³ ≤ |v| < 10⁶ ({@code 0.9123}, {@code 1235}, {@code 4.00}), else
     * {@code 1.235e-5}; {@code —} when not finite. Rounds half up.
     */
    static String sig(double v, int digits) {
        if (!Double.isFinite(v)) return MISSING;
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_UP));
            int magnitude = d.precision() - d.scale() - 1; // exponent of the leading digit
            return d.setScale(Math.max(0, digits - 1 - magnitude), RoundingMode.HALF_UP).toPlainString();
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v); // 1.235e-05
        int e = s.indexOf('e');
        return s.substring(0, e) + "e" + Integer.parseInt(s.substring(e + 1));
    }

    /** Like {@link #sig} but without trailing zeros ({@code 8}, {@code 2.5}, {@code 1e-4}), for values that are often round. */
    static String compact(double v, int digits) {
        if (!Double.isFinite(v)) return MISSING;
        String s = sig(v, digits);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e), exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + exponent;
    }

    /** A rate with a k or M suffix: {@code 950}, {@code 12.3k}, {@code 1.05M}. */
    static String rate(double v) {
        if (!Double.isFinite(v)) return MISSING;
        double a = Math.abs(v);
        if (a >= 1e6) return sig(v / 1e6, 3) + "M";
        if (a >= 1e4) return sig(v / 1e3, 3) + "k";
        return sig(v, 3);
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
