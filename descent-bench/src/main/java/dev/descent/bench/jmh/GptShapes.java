package dev.descent.bench.jmh;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.nn.ParameterRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameter tensors of a small GPT-2-style model (tied embeddings, biases, LayerNorm gains),
 * chosen so that they hold exactly 2^24 = 16,777,216 float32 values: d_model 512, 4 blocks,
 * context 1024, vocabulary 7114. Per block 12·d² + 13·d = 3,152,384; embeddings (7114 + 1024)·512
 * = 4,166,656; final LayerNorm 1,024. Every benchmark (ours and the DJL peer) uses this list.
 */
public final class GptShapes {
    public static final int D_MODEL = 512;
    public static final int LAYERS = 4;
    public static final int CONTEXT = 1024;
    public static final int VOCAB = 7114;
    /** 2^24. */
    public static final int TOTAL = 1 << 24;

    private GptShapes() {}

    /** Parameter names (dotted, as PyTorch's named_parameters) and shapes, in model order. */
    public static Map<String, int[]> shapes() {
        int d = D_MODEL;
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("transformer.wte.weight", new int[] {VOCAB, d});
        s.put("transformer.wpe.weight", new int[] {CONTEXT, d});
        for (int l = 0; l < LAYERS; l++) {
            String h = "transformer.h." + l + ".";
            s.put(h + "ln_1.weight", new int[] {d});
            s.put(h + "ln_1.bias", new int[] {d});
            s.put(h + "attn.c_attn.weight", new int[] {3 * d, d});
            s.put(h + "attn.c_attn.bias", new int[] {3 * d});
            s.put(h + "attn.c_proj.weight", new int[] {d, d});
            s.put(h + "attn.c_proj.bias", new int[] {d});
            s.put(h + "ln_2.weight", new int[] {d});
            s.put(h + "ln_2.bias", new int[] {d});
            s.put(h + "mlp.c_fc.weight", new int[] {4 * d, d});
            s.put(h + "mlp.c_fc.bias", new int[] {4 * d});
            s.put(h + "mlp.c_proj.weight", new int[] {d, 4 * d});
            s.put(h + "mlp.c_proj.bias", new int[] {d});
        }
        s.put("transformer.ln_f.weight", new int[] {d});
        s.put("transformer.ln_f.bias", new int[] {d});
        long n = 0;
        for (int[] shape : s.values()) n += size(shape);
        if (n != TOTAL) throw new AssertionError("GPT shapes hold " + n + " values, expected " + TOTAL);
        return Collections.unmodifiableMap(s);
    }

    public static int size(int[] shape) {
        int n = 1;
        for (int x : shape) n *= x;
        return n;
    }

    /** A module tree with these parameters, flattened (values and gradients filled from {@code seed}). */
    public static FlatParameters model(long seed) {
        Node root = new Node();
        for (var e : shapes().entrySet()) root.add(e.getKey().split("\\."), 0, e.getValue());
        FlatParameters flat = FlatParameters.of(root);
        fill(flat.values(), seed, 0.02f);
        fill(flat.grads(), seed + 1, 0.01f);
        return flat;
    }

    /** Uniform values in [-scale, scale) (no zeros or subnormals in practice), reproducible by seed. */
    public static void fill(float[] a, long seed, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < a.length; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }

    /** Names and shapes as lists, for {@code ParamSet.of(values, names, shapes)}. */
    public static List<String> names() { return new ArrayList<>(shapes().keySet()); }

    public static List<int[]> shapeList() { return new ArrayList<>(shapes().values()); }

    /** A module node built from dotted names (the bench's stand-in for a real model class). */
    static final class Node extends Module {
        private final Map<String, Node> kids = new LinkedHashMap<>();

        void add(String[] path, int at, int[] shape) {
            if (at == path.length - 1) {
                // The names mirror Gpt's, so the roles a Gpt gives are the ones inferred from them.
                Parameter p = parameter(path[at], ParameterRole.infer(String.join(".", path), shape.length), shape);
                assert p != null;
                return;
            }
            Node kid = kids.get(path[at]);
            if (kid == null) {
                kid = module(path[at], new Node());
                kids.put(path[at], kid);
            }
            kid.add(path, at + 1, shape);
        }
    }
}
