package dev.descent.bench.report;

/**
 * Count, mean, sample standard deviation (divisor n − 1; 0 for a single value), minimum and maximum of
 * the finite values given; non-finite values are skipped. With no finite value, n is 0 and the rest
 * is NaN.
 */
public record Stats(int n, double mean, double std, double min, double max) {
    public static final Stats NONE = new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public static Stats of(double... values) {
        int n = 0;
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) continue;
            n++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (n == 0) return NONE;
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
        }
        return new Stats(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, min, max);
    }

    /**
     * "mean ± sd" of all the values (sample sd, divisor n − 1; 0 for one value) with {@code decimals}
     * digits after the point: the seed summaries of the experiments' tables. Unlike {@link #of}, a
     * non-finite value is not skipped: a diverged seed shows as NaN.
     */
    public static String meanSd(double[] values, int decimals) {
        double mean = 0;
        for (double v : values) mean += v;
        mean /= values.length;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, sd);
    }
}
