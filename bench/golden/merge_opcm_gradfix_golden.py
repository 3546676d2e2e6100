"""Golden values for the opcm and gradfix merge methods (MergeOpcmGradFixGoldenTest).

Independent float64 NumPy transcription of the two references, written from their code, not from ours:
- OPCM: tanganke/fusion_bench fusion_bench/method/opcm/opcm.py::OPCMForCLIP at
  abb8620f56713b8ed690ae6c4ced5884b4758895, step by step as the code runs it: merged = model 0; for each
  next model, per 2-D tensor the FULL SVD (np.linalg.svd, full_matrices=True) of the previous merged task
  vector, P = U^T tau V, P's diagonal and its [:r, :r] block zeroed (r = argmax(cumsum(s)/sum(s) > alpha)),
  new = base + (lambda_prev * prev_tv + U P V^T) / 1; other tensors base + lambda_prev * prev_tv + tau;
  then the whole-model rescale to the running mean task-vector norm and lambda_prev = norm / mean.
- GradFix: fillo-rinaldi/GradFix grad_sign/gradient_sign_common.py at
  ad13ce46ee760b0667de6b06b2e5b2fdba729f47, mask_mode "normal": tau where sign(d) == sign(tau) else 0, with
  d = sign(-g) (g the gradient file's tensor); result target + lambda * sum_i w_i * masked tau_i (task
  arithmetic without normalisation); a tensor without a gradient keeps the target's value.

Inputs are float32 draws (np.random.default_rng(20261207)) so the Java side reads the same numbers.
Run: python3 bench/golden/merge_opcm_gradfix_golden.py > descent-core/src/test/resources/golden/merge_opcm_gradfix.json
"""
import json
import numpy as np

rng = np.random.default_rng(20261207)
shapes = {"w": [5, 4], "v": [3, 6], "b": [7]}


def draw(scale=1.0):
    return {k: (rng.standard_normal(s) * scale).astype(np.float32) for k, s in shapes.items()}


base = draw()
src = draw()
models = {f"e{i}": {k: (src[k] + draw(0.1)[k]).astype(np.float32) for k in shapes} for i in range(3)}
# OPCM's experts are fine-tuned from `base`
opcm_models = {f"o{i}": {k: (base[k] + draw(0.1)[k]).astype(np.float32) for k in shapes} for i in range(3)}
grads = {k: rng.standard_normal(shapes[k]).astype(np.float32) for k in ("w", "b")}  # no gradient for "v"


def f64(m):
    return {k: v.astype(np.float64) for k, v in m.items()}


def norm(tv):
    return np.sqrt(sum(float(np.sum(v * v)) for v in tv.values()))


def opcm(names, alpha):
    b = f64(base)
    merged = f64(opcm_models[names[0]])
    norms = [norm({k: merged[k] - b[k] for k in b})]
    prev_lambda = 1.0
    for name in names[1:]:
        task = f64(opcm_models[name])
        norms.append(norm({k: task[k] - b[k] for k in b}))
        avg = float(np.mean(norms))
        new = {}
        for k in b:
            prev_tv = merged[k] - b[k]
            tv = task[k] - b[k]
            if prev_tv.ndim == 2:
                u, s, vh = np.linalg.svd(prev_tv, full_matrices=True)
                v = vh.T
                split = int(np.argmax(np.cumsum(s) / np.sum(s) > alpha))
                p = u.T @ tv @ v
                np.fill_diagonal(p, 0.0)
                p[:split, :split] = 0.0
                new[k] = b[k] + (prev_lambda * prev_tv + u @ p @ v.T) / 1.0
            else:
                new[k] = b[k] + (prev_lambda * prev_tv + tv) / 1.0
        tvn = norm({k: new[k] - b[k] for k in b})
        prev_lambda = 1.0 * tvn / avg
        merged = {k: b[k] + (new[k] - b[k]) * (avg / tvn) for k in b}
    return merged


def gradfix(names, weights, lam):
    t = f64(base)
    out = {}
    for k in shapes:
        if k not in grads:
            out[k] = t[k].copy()
            continue
        d = np.sign(-grads[k].astype(np.float64))
        acc = np.zeros(shapes[k])
        for n, w in zip(names, weights):
            tau = models[n][k].astype(np.float64) - src[k].astype(np.float64)
            acc += w * np.where(d == np.sign(tau), tau, 0.0)
        out[k] = t[k] + lam * acc
    return out


def flat(m):
    return {k: [float(x) for x in np.asarray(v, dtype=np.float64).ravel()] for k, v in m.items()}


cases = [
    {"method": "opcm", "models": ["o0", "o1", "o2"], "alpha": 0.5, "expected": flat(opcm(["o0", "o1", "o2"], 0.5))},
    {"method": "opcm", "models": ["o2", "o0"], "alpha": 0.8, "expected": flat(opcm(["o2", "o0"], 0.8))},
    {"method": "gradfix", "models": ["e0", "e1"], "weights": [0.7, 1.2], "lambda": 0.9,
     "expected": flat(gradfix(["e0", "e1"], [0.7, 1.2], 0.9))},
]
inputs = {"base": flat(base), "src": flat(src), "grads": flat(grads)}
inputs.update({k: flat(v) for k, v in models.items()})
inputs.update({k: flat(v) for k, v in opcm_models.items()})
print(json.dumps({"shapes": shapes, "inputs": inputs, "cases": cases}, indent=1))
