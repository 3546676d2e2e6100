package dev.descent.bench;

import dev.descent.optim.Objective;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.train.Checkpoint;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Mezo;
import dev.descent.zo.ZerothOrderOptimizers;
import dev.descent.zo.ZovhOptimizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code descent bench memory}: the heap that fine-tuning the Shakespeare GPT needs with MeZO,
 * ZO-Adam (ZO-AdaMM: SPSA into the gradient buffer, then Adam moments with the AMSGrad maximum) and
 * ZoVH in its language-model form ({@code zovh blocks=tensor}: ĝ in the gradient buffer, directions
 * regenerated, K = 3, no reuse), against
 * inference (forward passes in no-grad mode) and AdamW (forward, backward, step), the comparison of
 * Malladi et al. 2023 (MeZO's memory is that of inference; their target is ≤ 1.1× inference).
 *
 * <p>With {@code initFrom} (a run folder, {@code --init-from}), every mode starts from that run's
 * checkpoint weights and draws its batches from the part of the training split the run did not train on
 * ({@code [train_end, 1)} of its config, the whole split when it trained on all of it): the fine-tuning
 * setting of the paper. Without it, the weights are the random initialization (seed 1337). The weights'
 * values do not change the live set; the measurement is the same code path either way.
 *
 * <p>Model: examples/shakespeare-char.yaml (4 layers, 4 heads, 128 wide, block 64, batch 12, no bias,
 * no dropout). A first round of every mode (2 steps each) warms the JIT and is discarded. For each
 * mode, in the same JVM: full GC, the baseline heap in use (dataset, code);
 * then the model (and optimizer) is built, one warm-up step runs, and during {@code steps} more steps a
 * sampler thread (until it has taken at least 300 samples) repeatedly forces a full collection ({@code System.gc()}, stop-the-world) and reads
 * the heap pools' usage at the end of that collection (its {@link GcInfo}, from the
 * MemoryPoolMXBeans' heap pools): that is the live set at that moment. AdamW is also probed deterministically right after its forward pass, when the tape
 * holds every activation (its peak). The peak is the largest sample minus the baseline. Sampling can
 * miss a short spike inside a forward pass, so a ZO peak is a lower bound; the inference and MeZO
 * modes run the same forward passes and are sampled the same way.
 *
 * <p>All modes hold the model's flat value and gradient buffers (the gradient buffer is
 * allocated with the parameters; MeZO and inference never touch it, ZO-Adam and ZoVH write their
 * estimate into it): 8 bytes per parameter of the peak of every mode. The optimizer's state tensors are reported by
 * size ({@link Optimizer#state()}): none for MeZO (its seed and step are scalars), m and v for AdamW,
 * m, v and the AMSGrad maximum for ZO-Adam.
 */
public final class ZoMemoryBenchmark {
    /** One mode's result: peak live heap above the baseline, the number of samples, seconds per step. */
    public record Result(String mode, long peakBytes, int samples, double secondsPerStep, long stateBytes) {}

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    /** Live-set samples per mode at least (a mode runs more steps until it has them). */
    private static final int MIN_SAMPLES = 300;

    private ZoMemoryBenchmark() {}

    public static int run(int steps, boolean json, PrintStream out) {
        return run(steps, null, json, out);
    }

    /** @param initFrom a run folder whose checkpoint weights every mode starts from, or null for random weights */
    public static int run(int steps, Path initFrom, boolean json, PrintStream out) {
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        TextDataset data = TextDataset.shakespeare();
        GptConfig config = new GptConfig(data.tokenizer().vocabSize(), 64, 4, 4, 128, 0f, false);
        int batch = 12;
        int[] tokens = data.train();
        if (initFrom != null) {
            Checkpoint.Info info = checkpointInfo(initFrom);
            if (!info.vocabulary().equals(data.tokenizer().vocabulary())) {
                throw new IllegalArgumentException("--init-from: checkpoint in " + initFrom + " was not trained on shakespeare_char");
            }
            tokens = heldOut(tokens, info.config());
        }
        String[] modes = {"inference", "mezo", "zo_adam", "zovh", "adamw"};
        // A first round, discarded: code the JIT has not compiled yet keeps extra objects alive (the
        // interpreter boxes Vector API values), which measured up to 3x the compiled live set.
        for (String mode : modes) measure(mode, config, batch, tokens, initFrom, 2);
        List<Result> results = new ArrayList<>();
        for (String mode : modes) results.add(measure(mode, config, batch, tokens, initFrom, steps));
        long params = new Gpt(config, 1).parameterCount();
        double inference = results.get(0).peakBytes();
        if (json) {
            StringBuilder b = new StringBuilder("{\"parameters\":" + params + ",\"steps\":" + steps + ",\"threads\":" + Parallel.threads());
            b.append(",\"init_from\":").append(initFrom == null ? "null" : "\"" + initFrom.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            for (Result r : results) {
                b.append(String.format(Locale.ROOT, ",\"%s\":{\"peak_mb\":%.3f,\"ratio_to_inference\":%.3f,\"samples\":%d,\"seconds_per_step\":%.3f,\"state_mb\":%.3f}",
                        r.mode(), r.peakBytes() / 1e6, r.peakBytes() / inference, r.samples(), r.secondsPerStep(), r.stateBytes() / 1e6));
            }
            out.println(b.append('}'));
        } else {
            out.printf(Locale.ROOT, "Shakespeare GPT, %,d parameters (%.2f MB of float32 values), batch %d x block %d, %d steps per mode%n",
                    params, params * 4 / 1e6, batch, config.blockSize(), steps);
            out.println(initFrom == null ? "weights: random initialization; batches from the training split"
                    : String.format(Locale.ROOT, "weights: %s; batches from the %,d tokens of the training split it did not train on", initFrom, tokens.length));
            out.printf(Locale.ROOT, "%-10s %14s %12s %15s %9s %12s%n", "mode", "peak live MB", "x inference", "opt. state MB", "samples", "s/step*");
            for (Result r : results) {
                out.printf(Locale.ROOT, "%-10s %14.2f %12.2f %15.2f %9d %12.3f%n", r.mode(), r.peakBytes() / 1e6, r.peakBytes() / inference,
                        r.stateBytes() / 1e6, r.samples(), r.secondsPerStep());
            }
            out.println("peak live = largest heap in use right after a forced full GC during the steps, minus the heap before the model was built;");
            out.println("* steps are slowed by the forced collections.");
        }
        out.flush();
        return 0;
    }

    /**
     * The tokens of {@code train} from the run's {@code train_end} on ({@code [train_end, 1)} of the
     * split, as the trainer cuts it), or all of them when the run trained to the end of the split.
     */
    static int[] heldOut(int[] train, java.util.Map<String, Object> runConfig) {
        Object end = runConfig.getOrDefault("train_end", 1.0);
        if (!(end instanceof Number n) || n.doubleValue() >= 1) return train;
        return java.util.Arrays.copyOfRange(train, (int) (n.doubleValue() * train.length), train.length);
    }

    private static Checkpoint.Info checkpointInfo(Path runDir) {
        try {
            return Checkpoint.info(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint in " + runDir, e);
        }
    }

    private static Result measure(String mode, GptConfig config, int batch, int[] tokens, Path initFrom, int steps) {
        long baseline = liveHeap();
        Gpt model = new Gpt(config, 1337);
        if (initFrom != null) {
            try {
                Checkpoint.loadWeights(initFrom, model.parameters());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the weights in " + initFrom, e);
            }
        }
        Optimizer[] optimizer = {null};
        int block = config.blockSize();
        Philox order = Philox.stream(1337, "data/train");
        TextDataset.Batch[] current = {TextDataset.batch(tokens, batch, block, order, 0)};
        AtomicLong peak = new AtomicLong();
        Objective f = () -> {
            try (NoGrad ignored = NoGrad.open()) {
                return model.loss(current[0].x(), current[0].y(), batch, block).item();
            }
        };
        Runnable step = switch (mode) {
            case "inference" -> () -> {
                model.train(false);
                try (NoGrad ignored = NoGrad.open()) {
                    model.loss(current[0].x(), current[0].y(), batch, block).item();
                }
            };
            case "mezo" -> {
                model.train(false);
                Mezo m = new Mezo(ParamSet.of(model.parameters()), f, 1e-6, 1e-3, 0, 1, 0, DirectionKind.GAUSSIAN);
                optimizer[0] = m;
                yield m::step;
            }
            case "zo_adam" -> {
                model.train(false);
                Optimizer z = ZerothOrderOptimizers.create("zo_adam", ParamSet.of(model.parameters()), model.parameters().grads(),
                        new HyperParams(java.util.Map.of("lr", "1e-4")), f);
                optimizer[0] = z;
                yield z::step;
            }
            case "zovh" -> {
                // The language-model form (per-tensor blocks, directions regenerated), K = 3, no reuse as in the reference's zovh.sh.
                model.train(false);
                Optimizer z = ZovhOptimizers.build(ParamSet.of(model.parameters()), model.parameters().grads(),
                        new HyperParams(java.util.Map.of("lr", "5e-5", "mu", "1e-2", "lambda_hess", "0.5", "num_histories", "0", "blocks", "tensor")), f);
                optimizer[0] = z;
                yield z::step;
            }
            case "adamw" -> {
                var opt = AdamW.nanoGpt(model.parameters(), 1e-3, 0.9, 0.99, 0.1);
                optimizer[0] = opt;
                yield () -> {
                    Variable loss = model.loss(current[0].x(), current[0].y(), batch, block);
                    peak.accumulateAndGet(liveHeap() - baseline, Math::max); // the tape holds every activation now
                    loss.backward();
                    opt.step();
                    opt.zeroGrad();
                };
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        step.run(); // warm-up: first-step allocations (optimizer state, JIT)
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger samples = new java.util.concurrent.atomic.AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(liveHeap() - baseline, Math::max);
                samples.incrementAndGet();
            }
        }, "memory-sampler");
        sampler.setDaemon(true);
        long t0 = System.nanoTime();
        sampler.start();
        // At least `steps` steps and MIN_SAMPLES samples, so that fast modes are sampled as densely as slow ones.
        int s = 0;
        while (s < steps || samples.get() < MIN_SAMPLES) {
            current[0] = TextDataset.batch(tokens, batch, block, order, ++s);
            step.run();
        }
        running.set(false);
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - t0) * 1e-9 / s;
        peak.accumulateAndGet(liveHeap() - baseline, Math::max);
        long stateBytes = 0;
        if (optimizer[0] != null) for (var t : optimizer[0].state().values()) stateBytes += 4L * t.size();
        return new Result(mode, peak.get(), samples.get(), seconds, stateBytes);
    }

    /**
     * The live heap: the heap pools' usage at the end of a full, stop-the-world collection, read from
     * that collection's {@link GcInfo} (reading the heap usage afterwards would also count what the
     * stepping thread allocated since, up to ~10 MB at its allocation rate).
     */
    private static long liveHeap() {
        System.gc();
        GcInfo last = null;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof com.sun.management.GarbageCollectorMXBean gc) {
                GcInfo info = gc.getLastGcInfo();
                if (info != null && (last == null || info.getEndTime() > last.getEndTime())) last = info;
            }
        }
        if (last == null) return MEMORY.getHeapMemoryUsage().getUsed();
        long used = 0;
        for (var e : last.getMemoryUsageAfterGc().entrySet()) if (HEAP_POOLS.contains(e.getKey())) used += e.getValue().getUsed();
        return used;
    }

    private static final java.util.Set<String> HEAP_POOLS = heapPools();

    private static java.util.Set<String> heapPools() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) names.add(p.getName());
        return names;
    }

    public static void main(String[] args) {
        System.exit(run(args.length > 0 ? Integer.parseInt(args[0]) : 20, false, System.out));
    }
}
