# Golden values for ZovhGoldenTest: a float64 NumPy re-implementation of the Hessian estimators of
# "Revisiting Zeroth-Order Hessian Approximation" (ZoVH, Qiu et al., ICML 2026): eqs. 2-5 (Stein 1/2/3,
# central difference), eq. 10 (ZoVH Hessian), eq. 6 (gradient), eq. 15 (approximate inverse) and eq. 16
# (bias-corrected product, written as printed, with explicit leave-one-out sums), plus the leave-one-out
# sample version of the optimal baseline of eq. 13. Written from the paper, independently of the Java code.
# The random directions are not dumped from Java: this script re-implements the project's Philox-4x32-10
# stream (dev.descent.tensor.Philox: FNV-1a + SplitMix64 purpose hash, derive(), Box-Muller rounded to
# float32) and the key (seed, "zo/hessian").derive(step).derive(query) of HessianDirections.
# Run: python3 zovh_golden.py > zovh_golden.out
import math
import numpy as np

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1

def finalise(z):
    z &= M64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)

def purpose_hash(s):
    h = 0xcbf29ce484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & M64
    return finalise(h)

def derive(purpose, n):
    return finalise(purpose ^ finalise((n + 0x9E3779B97F4A7C15) & M64))

def philox_block(seed, purpose, block):
    c = [block & M32, (block >> 32) & M32, purpose & M32, (purpose >> 32) & M32]
    k0, k1 = seed & M32, (seed >> 32) & M32
    for _ in range(10):
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c[3] ^ k1) & M32, p0 & M32]
        k0 = (k0 + 0x9E3779B9) & M32
        k1 = (k1 + 0xBB67AE85) & M32
    return c

def cos_two_pi(u):
    t = 4.0 * u
    k = math.floor(t + 0.5)
    r = (t - k) * (math.pi / 2)
    return [math.cos(r), -math.sin(r), -math.cos(r), math.sin(r)][k & 3]

def gaussians(seed, purpose, n):
    out = []
    for j in range(n):
        u = 2 * j
        w = philox_block(seed, purpose, u >> 2)
        lane = u & 3
        u1 = ((w[lane] >> 8) + 1) * 2.0 ** -24
        u2 = (w[lane + 1] >> 8) * 2.0 ** -24
        out.append(float(np.float32(math.sqrt(-2.0 * math.log(u1)) * cos_two_pi(u2))))
    return np.array(out)

def direction(seed, step, query, d):
    p = derive(derive(purpose_hash("zo/hessian"), step), query)
    return gaussians(seed, p, d)

# The problem: the spec's worked-example quadratic (specs/01_zovh.md).
A = np.array([[2, .5, 0], [.5, 1, .2], [0, .2, 3]])
c = np.array([1, -1, .5])
f = lambda x: 0.5 * x @ A @ x + c @ x
x0 = np.array([1.0, 2.0, -1.0])
D, SEED, Q, MU, LAM = 3, 7, 7, 0.1, 0.1

def fmt(name, v):
    print(name + " = {" + ", ".join(repr(float(t)) for t in np.ravel(v)) + "};")

fmt("U0", direction(SEED, 0, 0, D))
fmt("U1_STEP5_Q2", direction(SEED, 5, 2, D))

def reg(h, g):
    inv = np.linalg.inv(h + LAM * np.eye(D))
    return inv, inv @ g

I = np.eye(D)
# stein1: b = 0, K = Q
U = [direction(SEED, 0, k, D) for k in range(Q)]
y = np.array([f(x0 + MU * u) for u in U])
H = sum(y[k] / MU**2 * (np.outer(U[k], U[k]) - I) for k in range(Q)) / Q
g = sum(y[k] / MU * U[k] for k in range(Q)) / Q
inv, p = reg(H, g)
fmt("STEIN1_H", H); fmt("STEIN1_G", g); fmt("STEIN1_INV", inv); fmt("STEIN1_P", p)

# stein2: b = f(x), K = Q - 1
K = Q - 1
f0 = f(x0)
H = sum((y[k] - f0) / MU**2 * (np.outer(U[k], U[k]) - I) for k in range(K)) / K
g = sum((y[k] - f0) / MU * U[k] for k in range(K)) / K
inv, p = reg(H, g)
fmt("STEIN2_H", H); fmt("STEIN2_G", g); fmt("STEIN2_INV", inv); fmt("STEIN2_P", p)

# stein3 and cd: K' = (Q - 1) // 2 antithetic pairs
K = (Q - 1) // 2
fp = np.array([f(x0 + MU * U[k]) for k in range(K)])
fm = np.array([f(x0 - MU * U[k]) for k in range(K)])
g = sum((fp[k] - fm[k]) / (2 * MU) * U[k] for k in range(K)) / K
H3 = sum((fp[k] - 2 * f0 + fm[k]) / MU**2 * (np.outer(U[k], U[k]) - I) for k in range(K)) / (2 * K)
HC = sum((fp[k] - 2 * f0 + fm[k]) / MU**2 * np.outer(U[k], U[k]) for k in range(K)) / (2 * K)
inv, p = reg(H3, g)
fmt("STEIN3_H", H3); fmt("STEIN3_G", g); fmt("STEIN3_INV", inv); fmt("STEIN3_P", p)
inv, p = reg(HC, g)
fmt("CD_H", HC); fmt("CD_G", g); fmt("CD_INV", inv); fmt("CD_P", p)

# stein-optimal: leave-one-out b_k from w = ||u u^T - I||_F^2 (computed as a matrix norm here)
w = np.array([np.linalg.norm(np.outer(u, u) - I, "fro") ** 2 for u in U])
b = np.array([(np.sum(w * y) - w[k] * y[k]) / (np.sum(w) - w[k]) for k in range(Q)])
H = sum((y[k] - b[k]) / MU**2 * (np.outer(U[k], U[k]) - I) for k in range(Q)) / Q
g = sum((y[k] - b[k]) / MU * U[k] for k in range(Q)) / Q
inv, p = reg(H, g)
fmt("STEINOPT_H", H); fmt("STEINOPT_G", g); fmt("STEINOPT_INV", inv); fmt("STEINOPT_P", p)

# zovh: averaged baseline, n = Q
n = Q
bh = y.mean()
nu = (y - bh) / MU**2
H = sum(nu[k] * np.outer(U[k], U[k]) for k in range(n)) / (n - 1)
g = sum((y[k] - bh) / MU * U[k] for k in range(n)) / (n - 1)
inv, p = reg(H, g)
fmt("ZOVH_H", H); fmt("ZOVH_G", g); fmt("ZOVH_INV", inv); fmt("ZOVH_P", p)
inv15 = I / LAM - sum(nu[k] / (LAM**2 * (n - 1) + LAM * nu[k] * (U[k] @ U[k])) * np.outer(U[k], U[k]) for k in range(n))
fmt("ZOVH_INV15", inv15)
p16 = np.zeros(D)
for k in range(n):
    loo = sum(nu[j] * U[j] for j in range(n) if j != k)
    p16 += MU * nu[k] * (1 / (LAM * (n - 1)) - (U[k] @ loo / (n - 2)) / (LAM**2 * (n - 1) + LAM * nu[k] * (U[k] @ U[k]))) * U[k]
fmt("ZOVH_P16", p16)
