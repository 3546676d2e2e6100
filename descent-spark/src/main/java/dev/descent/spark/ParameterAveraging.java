package dev.descent.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The averaging of local SGD ({@code cluster.average_every = K > 1}), as DL4J's
 * {@code ParameterAveragingTrainingMaster} does it with {@code averageUpdaters = true}: after every K
 * local steps each rank sends its parameters θ_r and its optimizer's state tensors s_r (AdamW's m and
 * v, momentum buffers, …), and every rank replaces its own with
 * <pre>
 *   θ ← fl32( (((θ_0 + θ_1) + θ_2) + … + θ_{W−1}) / W )     element-wise, the sum in float64, in rank order
 *   s ← the same for every state tensor
 * </pre>
 * so every rank ends the averaging with the same bits, whichever process computed which rank and
 * whenever its message arrived. Summing in float64 is a choice (DL4J sums in the network's data type):
 * the sum of W float32 values is then exact up to W = 2^29 terms of equal exponent, and the result is
 * rounded once.
 *
 * <p><b>Why the optimizer state too.</b> Without it each rank would keep moments built from its own
 * shards only, the ranks would hold W different optimizer states, and a checkpoint would have to hold
 * all W of them for a restarted run to equal an uninterrupted one. With it every averaging boundary is
 * one state (parameters and optimizer) held bit-identically by all ranks: the driver checkpoints it,
 * and resuming there continues the run exactly. The scalars ({@link dev.descent.optim.Optimizer#scalars},
 * the step count and hyperparameters) are the same on every rank by construction and are not sent.
 */
public final class ParameterAveraging {
    private ParameterAveraging() {}

    /** The average over the ranks of {@code mine} (this process's state, one local rank), computed identically on every rank. */
    public static TrainingState average(TrainingState mine, Exchange exchange) {
        int[] local = exchange.localRanks();
        if (local.length != 1) {
            throw new IllegalStateException("parameter averaging runs one rank per process; this process computes ranks "
                    + java.util.Arrays.toString(local));
        }
        List<String> messages = exchange.allGather(encode(mine, local[0]));
        List<TrainingState> byRank = new ArrayList<>();
        for (int r = 0; r < exchange.world(); r++) byRank.add(null);
        for (String m : messages) {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(m));
            long step = buf.getLong();
            int rank = buf.getInt();
            if (step != mine.step()) throw new IllegalStateException("rank " + rank + " sent its state of step " + step + " during step " + mine.step());
            if (byRank.get(rank) != null) throw new IllegalStateException("rank " + rank + " sent its state twice at step " + step);
            byRank.set(rank, decode(buf, mine));
        }
        for (int r = 0; r < byRank.size(); r++) {
            if (byRank.get(r) == null) throw new IllegalStateException("rank " + r + " sent no state at step " + mine.step());
        }
        return mean(byRank);
    }

    /** The element-wise mean of the ranks' states (see the class comment), in rank order; the step and scalars are rank 0's. */
    public static TrainingState mean(List<TrainingState> byRank) {
        TrainingState first = byRank.getFirst();
        List<float[]> values = new ArrayList<>();
        for (TrainingState s : byRank) values.add(s.values());
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (String name : first.tensors().keySet()) {
            List<float[]> parts = new ArrayList<>();
            for (TrainingState s : byRank) parts.add(s.tensors().get(name));
            tensors.put(name, mean(parts, name));
        }
        return new TrainingState(first.step(), mean(values, "parameters"), tensors, first.shapes(), first.scalars());
    }

    private static float[] mean(List<float[]> parts, String what) {
        int n = parts.getFirst().length;
        for (float[] p : parts) {
            if (p.length != n) throw new IllegalStateException("the ranks' " + what + " differ in size: " + p.length + " and " + n);
        }
        double w = parts.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (float[] p : parts) sum += p[i];
            out[i] = (float) (sum / w);
        }
        return out;
    }

    /** step, rank, then the parameters and each state tensor (raw float bits, in the state's order), Base64. */
    private static String encode(TrainingState s, int rank) {
        long floats = s.values().length;
        for (float[] t : s.tensors().values()) floats += t.length;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(12 + 4 * floats));
        buf.putLong(s.step()).putInt(rank);
        put(buf, s.values());
        for (float[] t : s.tensors().values()) put(buf, t);
        return Base64.getEncoder().encodeToString(buf.array());
    }

    private static void put(ByteBuffer buf, float[] values) {
        buf.asFloatBuffer().put(values);
        buf.position(buf.position() + 4 * values.length);
    }

    /** A rank's state laid out as {@code like}'s (same names, shapes and sizes: every rank runs the same optimizer). */
    private static TrainingState decode(ByteBuffer buf, TrainingState like) {
        float[] values = get(buf, like.values().length);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (var e : like.tensors().entrySet()) tensors.put(e.getKey(), get(buf, e.getValue().length));
        if (buf.hasRemaining()) throw new IllegalStateException("a rank's state is larger than this rank's (" + buf.remaining() + " bytes more)");
        return new TrainingState(like.step(), values, tensors, like.shapes(), like.scalars());
    }

    private static float[] get(ByteBuffer buf, int n) {
        float[] out = new float[n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + 4 * n);
        return out;
    }
}
