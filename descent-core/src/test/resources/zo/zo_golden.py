# Independent float64 reference for ZeroOrderGoldenTest (RISE, central CGE, zo_sgd / zo_adam, ZO-GraSP).
# Run: python3 zo_golden.py (from this folder; numpy). Reuses spsa_golden.py's Philox-4x32-10, stream
# keying (hash of the purpose name, derive), Box-Muller and SPSA directions; everything else is
# re-derived here from the documented equations. Values the Java code stores as float32 (parameters,
# perturbed coordinates, directions) are rounded with f32() at the same places; the rest is float64.
import math
import numpy as np
from spsa_golden import f32, fnv, derive, philox, gaussian, direction, add, A, b, theta0, f as spsa_f

np.set_printoptions(precision=17)
def show(name, v): print(name, [float(x) for x in v])

# ---------------------------------------------------------------- RISE
# Directions of a block at step t: stream (seed, "rise") derived by t; block with state offset o and
# dimension d uses values q*o + i*d + [0, d) for direction i. Gaussian: value k = Box-Muller on uniforms
# 2k, 2k+1. Rademacher: -1 when uniform(k) = (bits(k) >> 8) * 2^-24 < 0.5, i.e. when bit 31 of word k is 0.
def rise_dir(kind, seed, step, start, d):
    p = derive(fnv("rise"), step)
    if kind == "gaussian": return np.array([gaussian(seed, p, start + j) for j in range(d)])
    return np.array([1.0 if (philox((start + j) >> 2, p, seed)[(start + j) & 3] >> 31) & 1 else -1.0 for j in range(d)])

def rise_shape(g, slots, blocking, kind, q, seed, step):
    """slots: list of (offset, shape); blocks: whole tensor or rows of the matrix view (a vector is one row)."""
    out = np.zeros(len(g))
    for off, shape in slots:
        size = int(np.prod(shape))
        length = size if blocking == "tensor" else (size // shape[0] if len(shape) >= 2 else size)
        for start in range(0, size, length):
            d = length; gb = np.array(g[off + start: off + start + d], dtype=np.float64)
            s = np.zeros(d)
            for i in range(q):
                u = rise_dir(kind, seed, step, q * (off + start) + i * d, d)
                s += (u @ gb) * u
            c = math.sqrt(q / (d + q + 1 if kind == "gaussian" else d + q - 1))
            out[off + start: off + start + d] = c / q * s
    return out

G = [0.8, -1.5, 0.3, 2.0, -0.7, 1.1, 0.25, -0.4, 1.6, -0.9]
G = [f32(x) for x in G]
SLOTS = [(0, (2, 3)), (6, (4,))]
show("rise tensor gaussian q3 seed5 step0", rise_shape(G, SLOTS, "tensor", "gaussian", 3, 5, 0))
show("rise tensor gaussian q3 seed5 step1", rise_shape(G, SLOTS, "tensor", "gaussian", 3, 5, 1))
show("rise row rademacher q2 seed5 step0", rise_shape(G, SLOTS, "row", "rademacher", 2, 5, 0))

# rise_sgd on f = 1/2 sum a_i (theta_i - c_i)^2, theta [2, 3], block row, q 2, gaussian, seed 7, lr 0.1,
# momentum 0.5 (trace: tr <- m tr + g_hat, theta <- theta - lr tr), 2 steps (RiseTest.goldenTwoSteps).
a = np.array([1, 2, 3, 4, 5, 6.0]); c = np.array([0.5, -0.25, 1, 0, -1, 0.75]); th = np.array([1, -1, 0.5, 2, 0, -0.5])
tr = np.zeros(6)
for t in range(2):
    gh = rise_shape(a * (th - c), [(0, (2, 3))], "row", "gaussian", 2, 7, t)
    tr = 0.5 * tr + gh; th = th - 0.1 * tr
    show("rise_sgd step %d" % (t + 1), th)

# ---------------------------------------------------------------- central CGE
# f(theta) = log sum_k exp((M theta)_k) + 0.1 sum theta_i^4. Coordinate i: up = f32(theta_i + mu),
# down = f32(theta_i - mu), g_i = (f(up) - f(down)) / (up - down), i.e. divided by the step stored in
# float32, not by 2 mu.
M = np.array([[0.5, -1.0, 0.25, 2.0, 0.0], [1.5, 0.3, -0.6, 0.0, 0.8], [-0.4, 0.9, 0.0, -1.2, 0.6]])
TH = [f32(x) for x in [1.3, -0.7, 2.9, 0.05, -1.1]]
def fc(t):
    t = np.array(t, dtype=np.float64); z = M @ t; m = z.max()
    return m + math.log(np.exp(z - m).sum()) + 0.1 * float((t ** 4).sum())
def cge_central(theta, mu, coords):
    g = np.zeros(len(theta)); naive = np.zeros(len(theta))
    for i in coords:
        up = list(theta); dn = list(theta)
        up[i] = f32(theta[i] + mu); dn[i] = f32(theta[i] - mu)
        diff = fc(up) - fc(dn)
        g[i] = diff / (up[i] - dn[i]); naive[i] = diff / (2 * mu)
    return g, naive
g, naive = cge_central(TH, 1e-2, range(5))
show("cge central mu 1e-2 all", g)
print("  relative change if divided by 2 mu instead:", [float(abs(naive[i] - g[i]) / abs(g[i])) for i in range(5)])
# coords_per_step 2 of 5, seed 3, step 4: partial Fisher-Yates of [0..4] with Lemire's multiply-shift
# on word j of stream (3, "cge/coords") derived by 4.
p = derive(fnv("cge/coords"), 4); order = list(range(5))
for j in range(2):
    r = j + ((philox(j >> 2, p, 3)[j & 3] * (5 - j)) >> 32)
    order[j], order[r] = order[r], order[j]
print("cge subset seed 3 step 4:", order[:2])
show("cge central mu 1e-2 subset", cge_central(TH, 1e-2, order[:2])[0])

# ---------------------------------------------------------------- zo_sgd (momentum 0.9) and zo_adam
# spsa_golden's quadratic, central Gaussian SPSA, seed 11, mu 1e-3, q 2, 2 steps. The estimator moves
# theta by +mu z, -2 mu z, +mu z in float32 (so theta is not exactly restored) and accumulates
# g += f32(coef / q) * z in float32; the transformation runs in float64 here and theta is stored in float32.
def spsa_step_estimate(t, seed, mu, q, step):
    g = [0.0] * 4; m = f32(mu)
    for j in range(q):
        z = direction("gaussian", seed, step, j, 4)
        t = add(t, m, z); plus = spsa_f(t); t = add(t, -2 * m, z); minus = spsa_f(t); t = add(t, m, z)
        cq = f32((plus - minus) / (2 * mu) / q)
        g = [f32(g[i] + f32(cq * z[i])) for i in range(4)]
    return t, np.array(g)

t = [f32(x) for x in theta0]; buf = None
for step in range(2):
    t, g = spsa_step_estimate(t, 11, 1e-3, 2, step)
    buf = g.copy() if buf is None else 0.9 * buf + g          # torch SGD: the first buffer is the gradient
    t = [f32(t[i] - 0.05 * buf[i]) for i in range(4)]
    show("zo_sgd momentum 0.9 lr 0.05 step %d" % (step + 1), t)

t = [f32(x) for x in theta0]; m1 = np.zeros(4); v = np.zeros(4); vmax = np.zeros(4)
for step in range(2):
    t, g = spsa_step_estimate(t, 11, 1e-3, 2, step)
    k = step + 1
    m1 = 0.9 * m1 + 0.1 * g; v = 0.999 * v + 0.001 * g * g; vmax = np.maximum(vmax, v)
    upd = (0.05 / (1 - 0.9 ** k)) * m1 / (np.sqrt(vmax) / math.sqrt(1 - 0.999 ** k) + 1e-8)
    t = [f32(t[i] - upd[i]) for i in range(4)]
    show("zo_adam amsgrad lr 0.05 step %d" % (step + 1), t)

# ---------------------------------------------------------------- ZO-GraSP
# Parameters "w" [2, 3] (prunable) and "b" [2] (not). Directions u_i = values i*n + [0, n) of stream
# (seed, "zograsp/dirs") over the n = 6 prunable coordinates; perturbed values f32(base + mu u);
# g(base) = sum_i (f(base + mu u_i) - f(base)) / mu * u_i / q; theta' = f32(theta + mu g(theta));
# S = -theta * (g(theta') - g(theta)) / mu; the mask drops round(s n) smallest |S| (ties: lower index first).
H = np.array([[3.0, 0.5, 0.0, 0.2, 0.0, 0.1, 0.3, 0.0], [0.5, 2.0, 0.4, 0.0, 0.1, 0.0, 0.0, 0.2],
              [0.0, 0.4, 1.0, 0.3, 0.0, 0.0, 0.1, 0.0], [0.2, 0.0, 0.3, 4.0, 0.6, 0.0, 0.0, 0.0],
              [0.0, 0.1, 0.0, 0.6, 0.5, 0.2, 0.0, 0.1], [0.1, 0.0, 0.0, 0.0, 0.2, 2.5, 0.0, 0.0],
              [0.3, 0.0, 0.1, 0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.2, 0.0, 0.0, 0.1, 0.0, 0.0, 1.0]])
BG = np.array([0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0, 0.1])
TG = [f32(x) for x in [0.9, -1.2, 0.4, 1.5, -0.3, 0.8, 0.2, -0.5]]
def fg(t):
    t = np.array(t, dtype=np.float64)
    return 0.5 * t @ H @ t + BG @ t + 0.05 * float((t ** 4).sum())
def grasp(theta, q, mu, seed, sparsity):
    n = 6; p = fnv("zograsp/dirs")
    U = [[gaussian(seed, p, i * n + j) for j in range(n)] for i in range(q)]
    def rge(base):
        x = list(theta); x[:n] = base; f0 = fg(x); g = np.zeros(n)
        for i in range(q):
            y = list(x); y[:n] = [f32(base[j] + mu * U[i][j]) for j in range(n)]
            d = (fg(y) - f0) / mu
            g += d * np.array(U[i]) / q
        return g
    g0 = rge(theta[:n]); g1 = rge([f32(theta[j] + mu * g0[j]) for j in range(n)])
    s = [-theta[j] * (g1[j] - g0[j]) / mu for j in range(n)]
    drop = round(sparsity * n)
    order = sorted(range(n), key=lambda j: (abs(f32(s[j])), j))
    mask = [1.0] * 8
    for j in order[:drop]: mask[j] = 0.0
    return s, mask
s, mask = grasp(TG, 3, 5e-3, 2, 0.5)
show("zograsp scores q3 mu 5e-3 seed 2", s)
print("zograsp mask sparsity 0.5", mask, " sorted |S|:", sorted(abs(x) for x in s))
