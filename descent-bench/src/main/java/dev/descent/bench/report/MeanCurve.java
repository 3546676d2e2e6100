package dev.descent.bench.report;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A curve averaged over seeds: at each recorded step, the mean of the seeds' finite values and their
 * minimum and maximum (the band a chart shades). The x coordinate is the step, or, for a wall-clock
 * chart, the mean over those seeds of the training time at that step.
 *
 * <p>A step where no seed has a finite value is left out. A step a seed did not record (it stopped
 * early) averages the seeds that did.
 */
public record MeanCurve(double[] x, double[] mean, double[] lo, double[] hi) {

    public int size() {
        return x.length;
    }

    public static MeanCurve overSeeds(List<RunSeries> seeds, boolean wallClockX) {
        TreeMap<Long, double[]> acc = new TreeMap<>(); // step → {count, sum, min, max, wall sum}
        for (RunSeries s : seeds) {
            for (int i = 0; i < s.size(); i++) {
                double v = s.value()[i];
                if (!Double.isFinite(v)) continue;
                double[] a = acc.computeIfAbsent(s.step()[i],
                        k -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0});
                a[0]++;
                a[1] += v;
                a[2] = Math.min(a[2], v);
                a[3] = Math.max(a[3], v);
                a[4] += s.wallSeconds()[i];
            }
        }
        int n = acc.size(), i = 0;
        double[] x = new double[n], mean = new double[n], lo = new double[n], hi = new double[n];
        for (var e : acc.entrySet()) {
            double[] a = e.getValue();
            x[i] = wallClockX ? a[4] / a[0] : e.getKey();
            mean[i] = a[1] / a[0];
            lo[i] = a[2];
            hi[i] = a[3];
            i++;
        }
        return new MeanCurve(x, mean, lo, hi);
    }

    /**
     * At most {@code maxPoints} points: consecutive points are split into {@code maxPoints} buckets of
     * (nearly) equal size and each bucket is replaced by the average of its x, mean, lo and hi. At 400
     * points over a chart some 600 pixels wide a bucket spans about one pixel, so the picture keeps its
     * shape while step-to-step minibatch noise is averaged away. The first and last points are kept
     * as they are so a line starts and ends where the runs did.
     */
    public MeanCurve downsample(int maxPoints) {
        if (maxPoints < 3) throw new IllegalArgumentException("maxPoints must be at least 3, got " + maxPoints);
        int n = size();
        if (n <= maxPoints) return this;
        double[] dx = new double[maxPoints], dm = new double[maxPoints], dl = new double[maxPoints], dh = new double[maxPoints];
        copyPoint(0, 0, dx, dm, dl, dh);
        copyPoint(n - 1, maxPoints - 1, dx, dm, dl, dh);
        int inner = maxPoints - 2, innerN = n - 2;
        for (int b = 0; b < inner; b++) {
            int from = 1 + (int) ((long) b * innerN / inner), to = 1 + (int) ((long) (b + 1) * innerN / inner);
            double sx = 0, sm = 0, sl = 0, sh = 0;
            for (int k = from; k < to; k++) {
                sx += x[k];
                sm += mean[k];
                sl += lo[k];
                sh += hi[k];
            }
            int c = to - from;
            dx[b + 1] = sx / c;
            dm[b + 1] = sm / c;
            dl[b + 1] = sl / c;
            dh[b + 1] = sh / c;
        }
        return new MeanCurve(dx, dm, dl, dh);
    }

    private void copyPoint(int from, int to, double[] dx, double[] dm, double[] dl, double[] dh) {
        dx[to] = x[from];
        dm[to] = mean[from];
        dl[to] = lo[from];
        dh[to] = hi[from];
    }

    @Override
    public String toString() {
        return "MeanCurve[" + size() + " points, x " + Arrays.toString(Arrays.copyOf(x, Math.min(3, size()))) + "…]";
    }
}
