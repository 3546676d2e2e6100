# Independent float64 reference for SpsaEstimatorTest / MezoTest golden values.
# Reimplements Philox-4x32-10, the stream keying (FNV-1a + SplitMix64 finaliser, derive), the
# Box-Muller conversion and the Rademacher bit layout documented in dev.descent.tensor.Philox and
# dev.descent.zo.Directions; then the SPSA estimators and MeZO in float64, rounding to float32 only
# where the Java code stores float32 values (directions, parameters).
import math, struct
M64 = (1 << 64) - 1
def f32(x): return struct.unpack('f', struct.pack('f', x))[0]
def fin(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)
def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode(): h = ((h ^ b) * 0x100000001b3) & M64
    return fin(h)
def derive(purpose, n): return fin(purpose ^ fin((n + 0x9E3779B97F4A7C15) & M64))
def philox(block, purpose, seed):
    c = [block & 0xffffffff, block >> 32, purpose & 0xffffffff, purpose >> 32]
    k = [seed & 0xffffffff, (seed >> 32) & 0xffffffff]
    for _ in range(10):
        p0 = 0xD2511F53 * c[0]; p1 = 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & 0xffffffff, (p0 >> 32) ^ c[3] ^ k[1], p0 & 0xffffffff]
        k = [(k[0] + 0x9E3779B9) & 0xffffffff, (k[1] + 0xBB67AE85) & 0xffffffff]
    return c
def gaussian(seed, purpose, i):
    w = philox((2 * i) >> 2, purpose, seed); lane = (2 * i) & 3
    u1 = ((w[lane] >> 8) + 1) * 2.0 ** -24; u2 = (w[lane + 1] >> 8) * 2.0 ** -24
    return f32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))
def rademacher(seed, purpose, i):
    w = philox(i >> 7, purpose, seed)
    return 1.0 if (w[(i >> 5) & 3] >> (i & 31)) & 1 else -1.0
def direction(kind, seed, step, q, d):
    p = derive(derive(fnv("zo/direction"), step), q)
    if kind == "rademacher": return [rademacher(seed, p, i) for i in range(d)]
    g = [gaussian(seed, p, i) for i in range(d)]
    if kind == "gaussian": return g
    norm = math.sqrt(sum(x * x for x in g))          # one block of 4096: summed in index order
    scale = f32((math.sqrt(d) if kind == "sphere" else 1.0) / norm)
    return [f32(scale * x) for x in g]

A = [[4.0, 1.0, 0.0, 0.5], [1.0, 3.0, 0.2, 0.0], [0.0, 0.2, 2.0, 0.3], [0.5, 0.0, 0.3, 1.0]]
b = [0.5, -1.0, 0.25, 2.0]
theta0 = [1.0, -2.0, 0.5, 0.75]
def f(t): return 0.5 * sum(t[i] * A[i][j] * t[j] for i in range(4) for j in range(4)) + sum(b[i] * t[i] for i in range(4))
def add(t, c, z): return [f32(t[i] + f32(f32(c) * z[i])) for i in range(len(t))]

def spsa(scheme, kind, seed, mu, q, step):
    t = [f32(x) for x in theta0]; g = [0.0] * 4; m = f32(mu)
    base = f(t) if scheme == "forward" else None
    for j in range(q):
        z = direction(kind, seed, step, j, 4)
        tp = add(t, m, z); plus = f(tp)
        if scheme == "central":
            minus = f(add(tp, -2 * m, z)); coef = (plus - minus) / (2 * mu)
        elif scheme == "forward": coef = (plus - base) / mu
        else: coef = plus / mu
        phi = 4.0 if kind == "unit_sphere" else 1.0
        g = [g[i] + phi * coef / q * z[i] for i in range(4)]
    return g
if __name__ == "__main__":  # importable by zo_golden.py without printing
    for scheme, kind in [("central", "gaussian"), ("central", "rademacher"), ("forward", "gaussian"), ("one_point", "rademacher"),
                         ("central", "sphere"), ("forward", "unit_sphere")]:
        print(scheme, kind, "seed 7 mu 1e-2 q 2 step 3:", spsa(scheme, kind, 7, 1e-2, 2, 3))

    # MeZO, 3 steps, seed 11, mu 1e-3, lr 0.05, weight_decay 0.1 (parameter name "w": decayed), q 1.
    t = [f32(x) for x in theta0]
    for step in range(3):
        z = direction("gaussian", 11, step, 0, 4)
        m = f32(1e-3)
        tp = add(t, m, z); lp = f(tp); tm = add(tp, -2 * m, z); lm = f(tm); t = add(tm, m, z)
        pg = (lp - lm) / (2 * 1e-3)
        t = [f32(t[i] - 0.05 * (pg * z[i] + 0.1 * t[i])) for i in range(4)]  # stored as float32
        print("mezo step", step + 1, "loss+", lp, "projected_grad", pg, "theta", t)
