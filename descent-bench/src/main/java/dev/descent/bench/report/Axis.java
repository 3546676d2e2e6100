package dev.descent.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One chart axis: a linear or base-10 logarithmic map from data values to [0, 1] and its ticks.
 *
 * <p>Linear ticks are 1, 2 or 5 × 10ᵏ apart, five to ten of them. Logarithmic axes span whole decades,
 * label each decade (every second or third one past eight decades) and add unlabelled ticks at
 * 2…9 × 10ᵏ when there are at most six decades.
 */
final class Axis {
    record Tick(double value, String label, boolean major) {}

    private final double min, max;
    private final boolean log;

    private Axis(double min, double max, boolean log) {
        this.min = min;
        this.max = max;
        this.log = log;
    }

    /**
     * A linear axis over [lo, hi]; with {@code roundOut} the ends move out to the neighbouring ticks
     * (for a y axis), else they stay at the data (an x axis should end where the runs end).
     */
    static Axis linear(double lo, double hi, boolean roundOut) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        if (!roundOut) return new Axis(lo, hi, false);
        double step = niceStep((hi - lo) / 5);
        return new Axis(Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step, false);
    }

    /** A log axis over whole decades around [lo, hi] (both positive). */
    static Axis log(double lo, double hi) {
        if (!(lo > 0 && hi > 0)) throw new IllegalArgumentException("log axis needs positive bounds, got " + lo + ", " + hi);
        double a = Math.floor(Math.log10(lo) + 1e-9), b = Math.ceil(Math.log10(hi) - 1e-9);
        if (b <= a) b = a + 1;
        return new Axis(Math.pow(10, a), Math.pow(10, b), true);
    }

    boolean isLog() {
        return log;
    }

    /** Where {@code v} falls between the axis ends, 0 … 1. */
    double fraction(double v) {
        if (log) return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        return (v - min) / (max - min);
    }

    List<Tick> ticks() {
        return log ? logTicks() : linearTicks();
    }

    private List<Tick> linearTicks() {
        double step = niceStep((max - min) / 5);
        List<Tick> ticks = new ArrayList<>();
        for (long k = (long) Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
            double v = k * step;
            ticks.add(new Tick(v, Numbers.tick(v, step), true));
        }
        return ticks;
    }

    private List<Tick> logTicks() {
        int a = (int) Math.round(Math.log10(min)), b = (int) Math.round(Math.log10(max));
        int decades = b - a;
        int every = decades <= 8 ? 1 : (decades + 7) / 8;
        List<Tick> ticks = new ArrayList<>();
        for (int e = a; e <= b; e++) {
            ticks.add(new Tick(Math.pow(10, e), (e - a) % every == 0 ? decadeLabel(e) : "", true));
            if (decades <= 6 && e < b) {
                for (int m = 2; m <= 9; m++) ticks.add(new Tick(m * Math.pow(10, e), "", false));
            }
        }
        return ticks;
    }

    /** 10ᵉ as plain digits from 0.001 to 10000, else as {@code 1e-6}. */
    static String decadeLabel(int e) {
        if (e >= 0 && e <= 4) return "1" + "0".repeat(e);
        if (e < 0 && e >= -3) return "0." + "0".repeat(-e - 1) + "1";
        return "1e" + e;
    }

    /**
     * 1, 2 or 5 × 10ᵏ nearest to {@code raw} on a log scale (thresholds √2, √10, √50, as d3's tick
     * rule), so an axis gets about five to seven ticks instead of as few as three.
     */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.sqrt(2) ? 2 : 1;
        return nice * p;
    }
}
