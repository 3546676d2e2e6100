package dev.descent.tensor;

import java.lang.management.ManagementFactory;

/**
 * For {@link KernelsTest}, in a JVM of its own: rounds of the causal softmax rows 1..128 of one
 * attention head, until a round allocates nothing (the JIT has compiled the row) or 5,000 rounds
 * have run; prints the least number of bytes a round allocated.
 */
final class SoftmaxAllocation {
    private SoftmaxAllocation() {}

    public static void main(String[] args) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int t = 128;
        float[] scores = KernelsTest.gauss(7, t * t, 3f);
        float[] p = new float[t * t];
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5000 && least > 0; round++) {
            System.arraycopy(scores, 0, p, 0, p.length);
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < t; i++) Softmax.probabilities(p, i * t, p, i * t, i + 1);
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        System.out.println("least " + least + " bytes");
    }
}
