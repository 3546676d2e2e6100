import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Two builds of descent-core in one JVM, each in its own class loader, timing the forward and
 * backward pass of the same GPT in alternating blocks of steps: the paired ratio of each block
 * (new / base, both measured within a few seconds of each other) cancels the slow and fast phases of
 * a shared machine, which move whole-process timings by ±25% from one minute to the next.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector bench/PairedStep.java BASE_LIB NEW_LIB [layers width heads block batch]
 *      [--blocks N] [--steps K] [--bias]
 * </pre>
 * BASE_LIB and NEW_LIB are directories of jars (a build's descent-cli/target/lib). Each side builds
 * the model from the same seed and tokens, so the first step's loss must have the same bits on both
 * sides unless the change alters the arithmetic; the program reports it.
 */
public final class PairedStep {
    private PairedStep() {}

    /** One build: its model, arena and the step's method handles. */
    private static final class Side {
        final Object gpt;
        final Object arena;
        final MethodHandle reset;
        final MethodHandle loss;
        final MethodHandle backward;
        final MethodHandle item;

        Side(String name, File lib, int[] shape, boolean bias) throws Exception {
            File[] jars = lib.listFiles((d, f) -> f.endsWith(".jar"));
            if (jars == null || jars.length == 0) throw new IllegalArgumentException("no jars in " + lib);
            URL[] urls = new URL[jars.length];
            for (int i = 0; i < jars.length; i++) urls[i] = jars[i].toURI().toURL();
            ClassLoader cl = new URLClassLoader(name, urls, ClassLoader.getPlatformClassLoader());
            Class<?> config = cl.loadClass("dev.descent.nn.GptConfig");
            Class<?> gptClass = cl.loadClass("dev.descent.nn.Gpt");
            Class<?> arenaClass = cl.loadClass("dev.descent.autograd.ActivationArena");
            Class<?> variable = cl.loadClass("dev.descent.autograd.Variable");
            Object cfg = config.getConstructor(int.class, int.class, int.class, int.class, int.class, float.class, boolean.class)
                    .newInstance(65, shape[3], shape[0], shape[2], shape[1], 0f, bias);
            gpt = gptClass.getConstructor(config, long.class).newInstance(cfg, 1L);
            arena = arenaClass.getConstructor().newInstance();
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            reset = lookup.findVirtual(arenaClass, "reset", MethodType.methodType(void.class));
            loss = lookup.findVirtual(gptClass, "loss",
                    MethodType.methodType(variable, int[].class, int[].class, int.class, int.class, arenaClass));
            backward = lookup.findVirtual(variable, "backward", MethodType.methodType(void.class));
            item = lookup.findVirtual(variable, "item", MethodType.methodType(float.class));
        }

        /** One forward + backward; returns the loss. */
        float step(int[] idx, int[] targets, int batch, int t) throws Throwable {
            reset.invoke(arena);
            Object l = loss.invoke(gpt, idx, targets, batch, t, arena);
            backward.invoke(l);
            return (float) item.invoke(l);
        }
    }

    public static void main(String[] args) throws Throwable {
        List<String> pos = new ArrayList<>();
        int blocks = 16, steps = 3;
        boolean bias = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--bias" -> bias = true;
                default -> pos.add(args[i]);
            }
        }
        if (pos.size() != 2 && pos.size() != 7) {
            System.err.println("usage: PairedStep BASE_LIB NEW_LIB [layers width heads block batch] [--blocks N] [--steps K] [--bias]");
            System.exit(2);
        }
        int[] shape = pos.size() == 7
                ? pos.subList(2, 7).stream().mapToInt(Integer::parseInt).toArray()
                : new int[] {6, 192, 6, 128, 32};
        int t = shape[3], batch = shape[4];
        Side base = new Side("base", new File(pos.get(0)), shape, bias);
        Side next = new Side("new", new File(pos.get(1)), shape, bias);
        Random r = new Random(2);
        int[] idx = new int[batch * t], targets = new int[batch * t];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(65);
            targets[i] = r.nextInt(65);
        }
        float lossBase = base.step(idx, targets, batch, t);
        float lossNew = next.step(idx, targets, batch, t);
        for (int w = 0; w < 8; w++) {
            base.step(idx, targets, batch, t);
            next.step(idx, targets, batch, t);
        }
        List<Double> baseMs = new ArrayList<>(), newMs = new ArrayList<>(), ratios = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            Side[] order = b % 2 == 0 ? new Side[] {base, next} : new Side[] {next, base};
            double[] med = new double[2];
            for (Side s : order) {
                double[] ms = new double[steps];
                for (int k = 0; k < steps; k++) {
                    long st = System.nanoTime();
                    s.step(idx, targets, batch, t);
                    ms[k] = (System.nanoTime() - st) / 1e6;
                }
                Arrays.sort(ms);
                double m = ms[steps / 2];
                (s == base ? baseMs : newMs).add(m);
                med[s == base ? 0 : 1] = m;
            }
            ratios.add(med[1] / med[0]);
        }
        Collections.sort(baseMs);
        Collections.sort(newMs);
        Collections.sort(ratios);
        System.out.printf("GPT %d layers, width %d, %d heads, block %d, batch %d%s: forward + backward, %d blocks of %d steps%n",
                shape[0], shape[1], shape[2], t, batch, bias ? ", bias" : "", blocks, steps);
        System.out.printf("  base %.1f ms, new %.1f ms (medians of the blocks' medians)%n",
                baseMs.get(baseMs.size() / 2), newMs.get(newMs.size() / 2));
        System.out.printf("  new / base, paired by block: median %.3f (range %.3f-%.3f)%n",
                ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1));
        System.out.printf("  first step's loss: base %s, new %s (%s)%n", Float.toHexString(lossBase), Float.toHexString(lossNew),
                Float.floatToRawIntBits(lossBase) == Float.floatToRawIntBits(lossNew) ? "same bits" : "DIFFERENT BITS");
    }
}
