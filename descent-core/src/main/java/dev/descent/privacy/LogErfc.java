package dev.descent.privacy;

/**
 * {@code log(erfc(x))} in double precision for every finite x, including the far tail where
 * {@code erfc} itself underflows (x ≳ 26). Opacus evaluates it as {@code log 2 + log_ndtr(−x√2)}
 * with SciPy; here erfc is the regularized upper incomplete gamma function
 * {@code erfc(x) = Q(1/2, x²)} for x > 0, evaluated by its power series when x² < 1.5 and by
 * its continued fraction (modified Lentz) otherwise, with the continued fraction's prefactor
 * {@code exp(−x²)·x/√π} kept in log space; {@code erfc(−x) = 2 − erfc(x)}.
 */
final class LogErfc {
    private static final double EPS = 1e-16;
    private static final double TINY = 1e-300;
    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

    private LogErfc() {}

    /** {@code log(erfc(x))}. */
    static double of(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        if (x == 0) return 0;
        if (x < 0) return Math.log(2 - Math.exp(positive(-x)));
        return positive(x);
    }

    /** {@code log(erfc(x))} for x > 0. */
    private static double positive(double x) {
        double z = x * x;
        if (z < 1.5) return Math.log1p(-lowerSeries(z));
        return upperContinuedFractionLog(z);
    }

    /** The regularized lower incomplete gamma P(1/2, z) = erf(√z), by its series. */
    private static double lowerSeries(double z) {
        double a = 0.5;
        double term = 1 / a;
        double sum = term;
        for (int n = 1; n < 1000; n++) {
            term *= z / (a + n);
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * EPS) break;
        }
        return sum * Math.exp(-z + a * Math.log(z) - LOG_SQRT_PI);
    }

    /** log Q(1/2, z) by the continued fraction of the upper incomplete gamma function. */
    private static double upperContinuedFractionLog(double z) {
        double a = 0.5;
        double b = z + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) d = TINY;
            c = b + an / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) break;
        }
        return -z + a * Math.log(z) - LOG_SQRT_PI + Math.log(h);
    }
}
