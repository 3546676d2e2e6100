package dev.descent.merge;

import dev.descent.io.DType;
import dev.descent.io.Safetensors.TensorInfo;
import dev.descent.tensor.Philox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link MergeConfig}: checks that every model has the same tensor names and shapes, then
 * computes and writes the merged file tensor by tensor, reading each input tensor from its file when it is
 * needed ({@link TensorFile}) and writing each result as soon as it is done ({@link SafetensorsStream}).
 *
 * <p><b>Task arithmetic family</b> (mergekit's {@code GTATask.execute}): per tensor, the task vectors
 * {@code δ_i = θ_i − θ_base} are sparsified ({@link Sparsify}), weighted, {@code wδ_i = w_i·δ_i}, and mixed:
 * without consensus {@code m = Σ_i wδ_i}, divisor {@code Σ_i w_i}; with TIES' consensus the elected sign
 * is {@code +1 where Σ_i wδ_i ≥ 0, else −1}, an entry counts where {@code sign(wδ_i) equals it} (a zero
 * entry never does), {@code m = Σ_i mask_i·wδ_i}, divisor {@code Σ_i mask_i·w_i} per entry (0 → 1, as
 * mergekit). With {@code normalize}, {@code m /= divisor}; then {@code m *= λ}; result {@code θ_base + m}.
 * A model that is the base itself contributes no task vector, as in mergekit. <b>linear</b>:
 * {@code Σ_i w_i θ_i}, divided by {@code Σ_i w_i} with {@code normalize}. Where mergekit would divide by
 * a weight sum of zero (linear) or silently replace it by 1 (non-consensus methods, {@code |Σw| < 1e-8}),
 * we refuse the configuration instead.
 *
 * <p><b>Memory</b>: beyond the output tensor, a merge holds one task vector, and for the consensus methods
 * the per-entry divisor (with {@code normalize}) and one sign byte per entry: at most 2¼ float32 tensors of
 * the largest shape, whatever the number of experts. The consensus methods read each expert twice (once to
 * elect the signs, once to mix), recomputing the same sparsification (DARE's mask is a counter-based
 * {@link Philox} stream keyed by seed, model index and tensor name). ACE needs all task vectors of a
 * tensor at once (its closed form couples them) and holds them in float64, as does PCB ({@link Pcb}).
 *
 * <p><b>opcm</b> ({@link Opcm}) reads the models one at a time per tensor, in their listed order, and
 * computes every tensor twice: once for the global norms its rescale needs, once to write. <b>gradfix</b>
 * ({@link GradFix}) is task arithmetic (no normalisation) of the task vectors {@code θ_i − θ_source}
 * masked by the signs of the gradient file, added to the base (the target).
 *
 * <p>Computation is float32 (float64 for ACE and OPCM); the output dtype is {@code dtype} if given, else each
 * tensor's dtype in the base (or first) model, with F64 written as F32.
 */
public final class Merger {
    private final MergeConfig config;

    public Merger(MergeConfig config) {
        this.config = config;
    }

    /** What was written. */
    public record Summary(Path file, int tensors, int experts) {}

    /** Validates every input, then writes {@code out} (atomically; nothing is left behind on failure). */
    public Summary merge(Path out) throws IOException {
        List<TensorFile> open = new ArrayList<>();
        try {
            TensorFile base = null;
            if (config.base() != null) {
                base = TensorFile.open(MergeConfig.weightsOf(config.base()));
                open.add(base);
            }
            TensorFile source = base, gradients = null;
            if (config.method() == MergeMethod.GRADFIX) {
                if (!Files.isRegularFile(config.gradients())) {
                    throw new IllegalArgumentException("gradients file not found: " + config.gradients() + " (compute it with bin/descent merge-gradients)");
                }
                gradients = TensorFile.open(config.gradients());
                open.add(gradients);
                Path src = MergeConfig.weightsOf(config.sourceModel());
                if (!Files.isSameFile(src, base.path)) {
                    source = TensorFile.open(src);
                    open.add(source);
                }
            }
            List<TensorFile> experts = new ArrayList<>();
            List<MergeConfig.Expert> params = new ArrayList<>();
            for (MergeConfig.Expert e : config.experts()) {
                Path file = MergeConfig.weightsOf(e.model());
                if (config.method() != MergeMethod.LINEAR && source != null && Files.isSameFile(file, source.path)) continue;
                TensorFile f = TensorFile.open(file);
                open.add(f);
                experts.add(f);
                params.add(e);
            }
            TensorFile reference = base != null && config.method() != MergeMethod.LINEAR ? base : experts.get(0);
            List<TensorFile> others = new ArrayList<>(experts);
            if (source != base) others.add(source);
            checkSameTensors(reference, base != null ? base : experts.get(0), others);
            if (gradients != null) checkGradients(reference, gradients);
            checkWeights(params);
            List<SafetensorsStream.Entry> entries = new ArrayList<>();
            for (TensorInfo t : reference.tensors().values()) {
                DType dtype = config.dtype() != null ? config.dtype() : (t.dtype() == DType.F64 ? DType.F32 : t.dtype());
                entries.add(new SafetensorsStream.Entry(t.name(), dtype, t.shape()));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "pt");
            metadata.put("merge_method", config.method().configName());
            TensorFile b = base, src = source, g = gradients;
            double opcmScale = config.method() == MergeMethod.OPCM && !experts.isEmpty() ? opcmScale(reference, base, experts) : 1;
            SafetensorsStream.write(out, entries, metadata, e -> mergeTensor(e.name(), b, src, g, experts, params, opcmScale));
            return new Summary(out, entries.size(), experts.size());
        } finally {
            for (TensorFile f : open) f.close();
        }
    }

    private void checkSameTensors(TensorFile reference, TensorFile first, List<TensorFile> experts) {
        List<TensorFile> all = new ArrayList<>(experts);
        if (first != reference || !all.contains(first)) all.add(first);
        for (TensorFile f : all) {
            for (TensorInfo t : reference.tensors().values()) {
                TensorInfo o = f.info(t.name());
                if (o == null) throw new IllegalArgumentException(f.path + " has no tensor '" + t.name() + "' (present in " + reference.path + ")");
                if (!Arrays.equals(o.shape(), t.shape())) {
                    throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(o.shape()) + " in " + f.path
                            + " but " + Arrays.toString(t.shape()) + " in " + reference.path);
                }
            }
            for (String name : f.tensors().keySet()) {
                if (reference.info(name) == null) throw new IllegalArgumentException(f.path + " has tensor '" + name + "' that " + reference.path + " lacks");
            }
        }
    }

    /** Every tensor of the gradient file is a tensor of the models, of the same shape (tensors it lacks get no task vector). */
    private static void checkGradients(TensorFile reference, TensorFile gradients) {
        for (TensorInfo t : gradients.tensors().values()) {
            TensorInfo o = reference.info(t.name());
            if (o == null) throw new IllegalArgumentException(gradients.path + " has tensor '" + t.name() + "' that " + reference.path + " lacks");
            if (!Arrays.equals(o.shape(), t.shape())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + " in " + gradients.path
                        + " but " + Arrays.toString(o.shape()) + " in " + reference.path);
            }
        }
    }

    private void checkWeights(List<MergeConfig.Expert> params) {
        MergeMethod m = config.method();
        if (m == MergeMethod.ACE || m == MergeMethod.PCB || m.consensus || !config.normalize() || params.isEmpty()) return;
        double sum = 0;
        for (MergeConfig.Expert e : params) sum += e.weight();
        if (Math.abs(sum) < 1e-8) {
            throw new IllegalArgumentException("the weights of the models sum to " + sum + "; normalize divides by that sum: "
                    + "give weights with a non-zero sum, or set parameters.normalize: false");
        }
    }

    private float[] mergeTensor(String name, TensorFile base, TensorFile source, TensorFile gradients, List<TensorFile> experts,
            List<MergeConfig.Expert> params, double opcmScale) throws IOException {
        int n = Math.toIntExact((base != null ? base : experts.get(0)).info(name).elements());
        MergeMethod m = config.method();
        if (m == MergeMethod.LINEAR) return linear(name, n, experts, params);
        float[] out = new float[n];
        if (experts.isEmpty()) {
            base.read(name, out);
            return out;
        }
        if (m == MergeMethod.ACE || m == MergeMethod.PCB) return coupled(name, n, base, experts);
        if (m == MergeMethod.OPCM) {
            float[] b = new float[n];
            base.read(name, b);
            double[] s = opcmSum(name, base, b, experts);
            double f = config.lambda() * opcmScale;
            for (int j = 0; j < n; j++) out[j] = (float) (b[j] + f * s[j]);
            return out;
        }
        if (m == MergeMethod.GRADFIX && gradients.info(name) == null) {
            base.read(name, out); // the reference builds the transported vector from the tensors with a gradient only
            return out;
        }
        float[] delta = new float[n];
        float[] divisor = null;
        if (m.consensus) {
            for (int i = 0; i < experts.size(); i++) {
                taskVector(name, i, source, gradients, experts, params, delta);
                float w = (float) params.get(i).weight();
                for (int j = 0; j < n; j++) out[j] += w * delta[j];
            }
            byte[] elected = new byte[n];
            for (int j = 0; j < n; j++) elected[j] = (byte) (out[j] >= 0 ? 1 : -1);
            Arrays.fill(out, 0f);
            if (config.normalize()) divisor = new float[n];
            for (int i = 0; i < experts.size(); i++) {
                taskVector(name, i, source, gradients, experts, params, delta);
                float w = (float) params.get(i).weight();
                for (int j = 0; j < n; j++) {
                    float wd = w * delta[j];
                    if (Math.signum(wd) == elected[j]) {
                        out[j] += wd;
                        if (divisor != null) divisor[j] += w;
                    }
                }
            }
            if (divisor != null) for (int j = 0; j < n; j++) out[j] /= divisor[j] == 0 ? 1f : divisor[j];
        } else {
            float sum = 0;
            for (int i = 0; i < experts.size(); i++) {
                taskVector(name, i, source, gradients, experts, params, delta);
                float w = (float) params.get(i).weight();
                sum += w;
                for (int j = 0; j < n; j++) out[j] += w * delta[j];
            }
            if (config.normalize()) for (int j = 0; j < n; j++) out[j] /= sum;
        }
        delta = null;
        if (config.lambda() != 1) {
            float lambda = (float) config.lambda();
            for (int j = 0; j < n; j++) out[j] *= lambda;
        }
        addBase(name, base, out);
        return out;
    }

    /** δ_i = θ_i − θ_base of tensor {@code name} (θ_source for gradfix, then masked), sparsified, into {@code d}. */
    private void taskVector(String name, int i, TensorFile base, TensorFile gradients, List<TensorFile> experts, List<MergeConfig.Expert> params,
            float[] d) throws IOException {
        int n = d.length;
        experts.get(i).read(name, d);
        TensorInfo bt = base.info(name);
        float[] chunk = new float[Math.min(n, TensorFile.CHUNK)];
        for (int from = 0; from < n; from += chunk.length) {
            int m = Math.min(chunk.length, n - from);
            base.read(bt, from, chunk, 0, m);
            for (int j = 0; j < m; j++) d[from + j] -= chunk[j];
        }
        MergeConfig.Expert p = params.get(i);
        if (config.method() == MergeMethod.GRADFIX) {
            float[] g = new float[n];
            gradients.read(name, g);
            GradFix.mask(d, g, n);
        }
        switch (config.method().sparsification) {
            case NONE -> {}
            case MAGNITUDE -> Sparsify.magnitude(d, n, p.density(), config.rescale());
            case MAGNITUDE_OUTLIERS -> Sparsify.magnitudeOutliers(d, n, p.density(), p.gamma(), config.rescale());
            case RANDOM -> Sparsify.bernoulli(d, n, p.density(), dareMask(config.seed(), i, name), config.rescale());
        }
    }

    /** DARE's mask stream for the model at index {@code model} of the merge and tensor {@code name}. */
    public static Philox dareMask(long seed, int model, String name) {
        return Philox.stream(seed, "merge/dare/" + name).derive(model);
    }

    private void addBase(String name, TensorFile base, float[] out) throws IOException {
        int n = out.length;
        TensorInfo bt = base.info(name);
        float[] chunk = new float[Math.min(Math.max(n, 1), TensorFile.CHUNK)];
        for (int from = 0; from < n; from += chunk.length) {
            int m = Math.min(chunk.length, n - from);
            base.read(bt, from, chunk, 0, m);
            for (int j = 0; j < m; j++) out[from + j] += chunk[j];
        }
    }

    /**
     * OPCM's running sum S of tensor {@code name} after every model (float64; {@code b} holds the base's
     * values): τ_1, then each next task vector projected ({@link Opcm#addProjected}) on a 2-D tensor, added as is elsewhere.
     */
    private double[] opcmSum(String name, TensorFile base, float[] b, List<TensorFile> experts) throws IOException {
        int n = b.length;
        int[] shape = base.info(name).shape();
        float[] x = new float[n];
        double[] s = new double[n];
        double[] tau = new double[n];
        for (int i = 0; i < experts.size(); i++) {
            experts.get(i).read(name, x);
            for (int j = 0; j < n; j++) tau[j] = (double) x[j] - b[j];
            if (i == 0) System.arraycopy(tau, 0, s, 0, n);
            else if (shape.length == 2) Opcm.addProjected(s, tau, shape[0], shape[1], config.opcmAlpha());
            else for (int j = 0; j < n; j++) s[j] += tau[j];
        }
        return s;
    }

    /** OPCM's final rescale n̄/‖S‖: the mean over models of ‖τ_i‖ over the norm of the sum, every tensor counted (a first pass). */
    private double opcmScale(TensorFile reference, TensorFile base, List<TensorFile> experts) throws IOException {
        double[] taskNorm2 = new double[experts.size()];
        double sumNorm2 = 0;
        for (TensorInfo t : reference.tensors().values()) {
            int n = Math.toIntExact(t.elements());
            float[] b = new float[n], x = new float[n];
            base.read(t.name(), b);
            for (int i = 0; i < experts.size(); i++) {
                experts.get(i).read(t.name(), x);
                for (int j = 0; j < n; j++) {
                    double d = (double) x[j] - b[j];
                    taskNorm2[i] += d * d;
                }
            }
            for (double v : opcmSum(t.name(), base, b, experts)) sumNorm2 += v * v;
        }
        double mean = 0;
        for (double v : taskNorm2) mean += Math.sqrt(v) / experts.size();
        return sumNorm2 == 0 ? 1 : mean / Math.sqrt(sumNorm2);
    }

    private float[] linear(String name, int n, List<TensorFile> experts, List<MergeConfig.Expert> params) throws IOException {
        float[] out = new float[n];
        float[] x = new float[n];
        float sum = 0;
        for (int i = 0; i < experts.size(); i++) {
            experts.get(i).read(name, x);
            float w = (float) params.get(i).weight();
            sum += w;
            for (int j = 0; j < n; j++) out[j] += w * x[j];
        }
        if (config.normalize()) for (int j = 0; j < n; j++) out[j] /= sum;
        return out;
    }

    /**
     * The methods that couple all task vectors of a tensor. ACE: its closed form on a 2-D tensor (not
     * "text_projection"), the mean task vector elsewhere, then θ_base + λ·τ̄. PCB: θ_base + weight·τ̄.
     */
    private float[] coupled(String name, int n, TensorFile base, List<TensorFile> experts) throws IOException {
        int[] shape = base.info(name).shape();
        float[] x = new float[n];
        float[] b = new float[n];
        base.read(name, b);
        List<double[]> tasks = new ArrayList<>();
        for (TensorFile f : experts) {
            f.read(name, x);
            double[] t = new double[n];
            for (int j = 0; j < n; j++) t[j] = (double) x[j] - b[j];
            tasks.add(t);
        }
        if (config.method() == MergeMethod.PCB) {
            double[] merged = Pcb.merge(tasks, config.pcbDensity());
            for (int j = 0; j < n; j++) b[j] = (float) (b[j] + config.pcbWeight() * merged[j]);
            return b;
        }
        double[] merged;
        if (shape.length == 2 && !name.contains("text_projection")) {
            merged = Ace.merge(tasks, shape[0], shape[1]).merged();
        } else {
            merged = new double[n];
            for (double[] t : tasks) for (int j = 0; j < n; j++) merged[j] += t[j];
            for (int j = 0; j < n; j++) merged[j] /= tasks.size();
        }
        for (int j = 0; j < n; j++) b[j] = (float) (b[j] + config.lambda() * merged[j]);
        return b;
    }
}
