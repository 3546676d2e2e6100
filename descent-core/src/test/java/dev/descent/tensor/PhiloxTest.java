package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {
    // Known-answer vectors of Philox-4x32-10 from the Random123 distribution (kat_vectors):
    //   philox4x32 10 <ctr0..3> <key0..1> <out0..3>
    // (also re-derived with an independent 15-line Python implementation of the round function).

    @Test
    void permutationIsFisherYatesWithSwapPartnerNextIntOfThePosition() {
        Philox rng = Philox.stream(7, "test/permutation");
        int n = 9;
        int[] p = rng.permutation(n);
        // Undo the swaps in reverse order (i = 1 … n−1, partner nextInt(i, i + 1)): the identity must come back.
        int[] undone = p.clone();
        for (int i = 1; i < n; i++) {
            int j = rng.nextInt(i, i + 1);
            int t = undone[i];
            undone[i] = undone[j];
            undone[j] = t;
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, undone);
        assertArrayEquals(p, rng.permutation(n));
        assertArrayEquals(new int[] {0}, rng.permutation(1));
        assertEquals(0, rng.permutation(0).length);
    }

    @Test
    void knownAnswerZero() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                Philox.raw(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
    }

    @Test
    void knownAnswerAllOnes() {
        int f = 0xffffffff;
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.raw(new int[] {f, f, f, f}, new int[] {f, f}));
    }

    @Test
    void knownAnswerPi() {
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.raw(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                        new int[] {0xa4093822, 0x299f31d0}));
    }

    @Test
    void streamLayoutMatchesDocumentedCounterAndKey() {
        // Value i is word i%4 of block i/4 = Philox((i/4 lo, i/4 hi, purpose lo, purpose hi), (seed lo, seed hi)).
        long seed = 0x299f31d0a4093822L;
        long purpose = 0x0370734413198a2eL;
        Philox p = Philox.stream(seed, purpose);
        long block = 0x85a308d3243f6a88L; // above 2^62, so reachable only through block(), not bits(4·block)
        int[] expected = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
        int[] zero = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
        Philox z = Philox.stream(0, 0);
        for (int w = 0; w < 4; w++) assertEquals(zero[w], z.bits(w));
        int[] out = new int[4];
        p.block(block, out);
        assertArrayEquals(expected, out);
    }

    @Test
    void uniformIsTop24BitsScaled() {
        Philox p = Philox.stream(7, "x");
        for (long i = 0; i < 50; i++) {
            float u = p.uniform(i);
            assertEquals((p.bits(i) >>> 8) / 16777216.0, u, 0.0);
            assertTrue(u >= 0f && u < 1f);
        }
    }

    @Test
    void directAccessEqualsFillUniformFromZeroAndFromOffset() {
        Philox p = Philox.stream(1337, "data/train");
        float[] all = new float[103];
        p.fillUniform(all, 0, all.length, 0);
        for (int i = 0; i < all.length; i++) assertEquals(Float.floatToIntBits(p.uniform(i)), Float.floatToIntBits(all[i]));
        // a start that is not a multiple of 4, written at a non-zero output offset
        long start = 4_000_000_001L;
        float[] part = new float[40];
        p.fillUniform(part, 3, 37, start);
        for (int j = 0; j < 37; j++) {
            assertEquals(Float.floatToIntBits(p.uniform(start + j)), Float.floatToIntBits(part[3 + j]));
        }
        assertEquals(0f, part[0]);
        assertEquals(0f, part[2]);
    }

    @Test
    void directAccessEqualsFillGaussian() {
        Philox p = Philox.stream(3, 9);
        float[] g = new float[21];
        p.fillGaussian(g, 1, 20, 5);
        for (int j = 0; j < 20; j++) assertEquals(Float.floatToIntBits(p.gaussian(5 + j)), Float.floatToIntBits(g[1 + j]));
    }

    @Test
    void gaussianIsBoxMullerOfTwoUniforms() {
        Philox p = Philox.stream(11, 12);
        for (long i = 0; i < 20; i++) {
            double u1 = ((p.bits(2 * i) >>> 8) + 1) / 16777216.0;
            double u2 = (p.bits(2 * i + 1) >>> 8) / 16777216.0;
            double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            assertEquals((float) z, p.gaussian(i), 0f);
        }
    }

    @Test
    void gaussianMomentsWithinStatisticalTolerance() {
        // n = 200k standard normals: the sample mean has sd 1/sqrt(n) = 2.2e-3, the sample variance
        // has sd sqrt(2/n) = 3.2e-3; 5 sigma bounds fail by chance with probability < 1e-6.
        int n = 200_000;
        float[] g = new float[n];
        Philox.stream(42, "gauss").fillGaussian(g, 0, n, 0);
        double s = 0;
        double s2 = 0;
        double s4 = 0;
        for (float x : g) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / n;
        double var = s2 / n - mean * mean;
        for (float x : g) s4 += Math.pow(x - mean, 4);
        assertTrue(Math.abs(mean) < 5 / Math.sqrt(n), "mean " + mean);
        assertTrue(Math.abs(var - 1) < 5 * Math.sqrt(2.0 / n), "variance " + var);
        // kurtosis 3 (sd of the estimate ~ sqrt(96/n) = 0.022)
        assertTrue(Math.abs(s4 / n / (var * var) - 3) < 5 * Math.sqrt(96.0 / n), "kurtosis");
    }

    @Test
    void uniformMeanAndBucketsWithinStatisticalTolerance() {
        int n = 200_000;
        float[] u = new float[n];
        Philox.stream(5, "uniform").fillUniform(u, 0, n, 0);
        double s = 0;
        int[] buckets = new int[10];
        for (float x : u) {
            s += x;
            buckets[(int) (x * 10)]++;
        }
        // mean of U[0,1): sd sqrt(1/12/n) = 6.5e-4
        assertTrue(Math.abs(s / n - 0.5) < 5 * Math.sqrt(1.0 / 12 / n));
        // each bucket ~ Binomial(n, 0.1): sd sqrt(n*0.09) = 134
        for (int b : buckets) assertTrue(Math.abs(b - n / 10) < 5 * Math.sqrt(n * 0.09), "bucket " + b);
    }

    @Test
    void differentPurposesAndSeedsGiveDifferentStreams() {
        float[] a = new float[64];
        float[] b = new float[64];
        float[] c = new float[64];
        float[] d = new float[64];
        Philox.stream(1, "init/a").fillUniform(a, 0, 64, 0);
        Philox.stream(1, "init/b").fillUniform(b, 0, 64, 0);
        Philox.stream(2, "init/a").fillUniform(c, 0, 64, 0);
        Philox.stream(1, "init/a").fillUniform(d, 0, 64, 0);
        assertArrayEquals(a, d);
        int sameAB = 0;
        int sameAC = 0;
        for (int i = 0; i < 64; i++) {
            if (a[i] == b[i]) sameAB++;
            if (a[i] == c[i]) sameAC++;
        }
        assertTrue(sameAB < 2 && sameAC < 2);
        assertNotEquals(Philox.hash("init/a"), Philox.hash("init/b"));
        assertEquals(Philox.hash("init/a"), Philox.hash("init/a"));
        assertNotEquals(Philox.stream(1, 0).bits(0), Philox.stream(1, 1).bits(0));
    }

    @Test
    void deriveIsDeterministicAndDistinct() {
        Philox root = Philox.stream(99, "dropout");
        Philox x1 = root.derive(3);
        Philox x2 = Philox.stream(99, "dropout").derive(3);
        Philox y = root.derive(4);
        Philox z = Philox.stream(98, "dropout").derive(3);
        for (long i = 0; i < 32; i++) assertEquals(x1.bits(i), x2.bits(i));
        int same = 0;
        int sameSeed = 0;
        for (long i = 0; i < 32; i++) {
            if (x1.bits(i) == y.bits(i)) same++;
            if (x1.bits(i) == z.bits(i)) sameSeed++;
            if (x1.bits(i) == root.bits(i)) same++;
        }
        assertTrue(same == 0 && sameSeed == 0);
        // derive keeps the seed: chained derivations are deterministic too
        assertEquals(root.derive(1).derive(2).bits(17), Philox.stream(99, "dropout").derive(1).derive(2).bits(17));
    }

    @Test
    void nextIntInRangeAndBoundChecked() {
        Philox p = Philox.stream(0, 0);
        int[] counts = new int[7];
        for (long i = 0; i < 7000; i++) counts[p.nextInt(i, 7)]++;
        for (int c : counts) assertTrue(c > 800 && c < 1200);
        assertThrows(IllegalArgumentException.class, () -> p.nextInt(0, 0));
    }

    @Test
    void quarterTurnCosineMatchesCosineOfTwoPiU() {
        // cosTwoPi reduces by quarter turns before StrictMath.cos/sin; it must agree with the direct
        // formula to within a few ulps of 1 everywhere in [0, 1).
        for (int i = 0; i < 100_000; i++) {
            double u = i / 100_000.0;
            org.junit.jupiter.api.Assertions.assertEquals(Math.cos(2 * Math.PI * u), Philox.cosTwoPi(u), 1e-15, "u = " + u);
        }
    }
}
