"""Golden values for dev.descent.merge (MergeGoldenTest): mergekit's task-arithmetic family and linear
merge, re-derived in float64 numpy from the semantics of arcee-ai/mergekit at
a6e402884ba9bc30da7f23e8304a35f19485de95 (mergekit/sparsify.py, merge_methods/generalized_task_arithmetic.py,
merge_methods/linear.py, merge_methods/registry.py for the defaults), and its PCB merge (merge_methods/pcb.py). Written independently of the Java code.

Ties in magnitude are ranked by (|d|, index) ascending (a stable argsort), the order the Java code
documents; breadcrumbs keeps ranks [n_bot, n - n_top) (mergekit's slice [n_bot:-n_top] keeps nothing when
n_top == 0; the Java code documents that it takes the evident intent). Inputs are float32 random values
(numpy seed 20261207); each task vector is formed in float64 from the float32 values.

Run: python3 merge_golden.py > merge_golden.json
"""
import json
import numpy as np

rng = np.random.default_rng(20261207)
SHAPES = {"h.weight": (6, 7), "h.bias": (9,), "ln.weight": (150,)}
MODELS = ["base", "e0", "e1", "e2"]
inputs = {m: {k: rng.standard_normal(s).astype(np.float32) for k, s in SHAPES.items()} for m in MODELS}
# make the experts close to the base, like fine-tunes
for m in MODELS[1:]:
    for k in SHAPES:
        inputs[m][k] = (inputs["base"][k] + 0.1 * rng.standard_normal(SHAPES[k])).astype(np.float32)


def rescale_l1(t, masked):
    before, after = np.abs(t).sum(), np.abs(masked).sum()
    if before < 1e-7 or after < 1e-7:
        return masked
    return masked * (before / after)


def ascending_ranks(d):
    order = np.argsort(np.abs(d).ravel(), kind="stable")
    rank = np.empty(d.size, dtype=np.int64)
    rank[order] = np.arange(d.size)
    return rank.reshape(d.shape)


def magnitude(d, density, rescale):
    if density >= 1:
        return d
    k = int(density * d.size)
    mask = ascending_ranks(d) >= d.size - k
    return rescale_l1(d, d * mask) if rescale else d * mask


def outliers(d, density, gamma, rescale):
    if density >= 1:
        return d
    n = d.size
    target = int(density * n)
    n_top = int(gamma * n)
    n_bot = n - target - n_top
    if n_bot < 0:
        n_top += n_bot
        n_bot = 0
    r = ascending_ranks(d)
    mask = (r >= n_bot) & (r < n - n_top)
    return rescale_l1(d, d * mask) if rescale else d * mask


METHODS = {  # sparsification, consensus, default normalize, default rescale
    "task_arithmetic": (None, False, False, False),
    "ties": ("magnitude", True, True, False),
    "breadcrumbs": ("outliers", False, False, False),
    "breadcrumbs_ties": ("outliers", True, False, False),
}


def gta(method, weights, densities, gamma, normalize, rescale, lam):
    sp, consensus, dn, dr = METHODS[method]
    normalize = dn if normalize is None else normalize
    rescale = dr if rescale is None else rescale
    out = {}
    for name in SHAPES:
        base = inputs["base"][name].astype(np.float64)
        deltas = []
        for i, m in enumerate(MODELS[1:]):
            d = inputs[m][name].astype(np.float64) - base
            if sp == "magnitude":
                d = magnitude(d, densities[i], rescale)
            elif sp == "outliers":
                d = outliers(d, densities[i], gamma, rescale)
            deltas.append(d)
        w = np.array(weights, dtype=np.float64).reshape((-1,) + (1,) * base.ndim)
        wd = np.stack(deltas) * w
        if consensus:
            elected = np.where(wd.sum(axis=0) >= 0, 1.0, -1.0)
            mask = np.sign(wd) == elected
            mixed = (wd * mask).sum(axis=0)
            divisor = (w * mask).sum(axis=0)
            divisor[divisor == 0] = 1
        else:
            mixed = wd.sum(axis=0)
            divisor = w.sum(axis=0)
        if normalize:
            mixed = mixed / divisor
        mixed = mixed * lam
        out[name] = (base + mixed).ravel().tolist()
    return out


def linear(weights, normalize=True):
    out = {}
    for name in SHAPES:
        w = np.array(weights, dtype=np.float64)
        res = sum(w[i] * inputs[m][name].astype(np.float64) for i, m in enumerate(MODELS[1:]))
        if normalize:
            res = res / w.sum()
        out[name] = res.ravel().tolist()
    return out


def pcb(density, weight):
    """mergekit's merge_methods/pcb.py (at 9577efc9d605a207cb5e2fcda5a81f3526e8a876) in float64."""
    out = {}
    for name in SHAPES:
        base = inputs["base"][name].astype(np.float64)
        tvs = np.stack([inputs[m][name].astype(np.float64).ravel() - base.ravel() for m in MODELS[1:]])
        n = tvs.shape[0]

        def normalize(x):
            return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)

        def softmax(x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)

        b_intra = softmax(n * normalize(tvs * tvs))
        b_inter = np.stack([softmax(normalize(tvs[i] * tvs)).sum(axis=0) for i in range(n)])
        b = b_intra * b_inter
        k = int(tvs.shape[1] * density)
        m = np.zeros_like(b)
        for i in range(n):
            m[i, np.argsort(-b[i], kind="stable")[:k]] = 1
        b_hat = b * m
        final = (tvs * (b_hat / b_hat.sum())).sum(axis=0)
        out[name] = (base.ravel() + weight * final).tolist()
    return out


cases = []


def case(method, weights, densities=(1, 1, 1), gamma=0.01, normalize=None, rescale=None, lam=1.0):
    c = {"method": method, "weights": list(weights), "densities": list(densities), "gamma": gamma,
         "normalize": normalize, "rescale": rescale, "lambda": lam}
    c["expected"] = linear(weights, True if normalize is None else normalize) if method == "linear" else \
        gta(method, weights, densities, gamma, normalize, rescale, lam)
    cases.append(c)


case("linear", [0.5, 0.3, 0.2])
case("linear", [1.0, -0.5, 2.0], normalize=False)
case("task_arithmetic", [0.7, 0.4, 0.5])
case("task_arithmetic", [0.7, 0.4, 0.5], normalize=True, lam=0.8)
case("ties", [1.0, 0.6, 0.8], densities=[0.5, 0.3, 0.7])
case("ties", [1.0, -0.6, 0.8], densities=[0.5, 0.3, 0.7], normalize=False, lam=1.5)
case("ties", [1.0, 0.6, 0.8], densities=[0.5, 0.3, 0.7], rescale=True)
case("breadcrumbs", [0.5, 0.5, 0.5], densities=[0.6, 0.8, 0.4], gamma=0.1)
case("breadcrumbs", [0.5, 0.5, 0.5], densities=[0.6, 0.95, 0.4], gamma=0.1, rescale=True, normalize=True)
case("breadcrumbs_ties", [1.0, 0.5, 0.7], densities=[0.6, 0.8, 0.4], gamma=0.05)

cases.append({"method": "pcb", "weights": [0.9, 0.9, 0.9], "densities": [0.4, 0.4, 0.4], "gamma": 0.01,
              "normalize": None, "rescale": None, "lambda": 1.0, "expected": pcb(0.4, 0.9)})

doc = {"source": "merge_golden.py", "shapes": {k: list(s) for k, s in SHAPES.items()},
       "inputs": {m: {k: v.astype(np.float64).ravel().tolist() for k, v in t.items()} for m, t in inputs.items()},
       "cases": cases}
print(json.dumps(doc))
