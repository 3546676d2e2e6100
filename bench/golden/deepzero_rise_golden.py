"""Golden values for DeepZeroOptimizerTest and RiseTest, computed independently of the Java code.

Problem: f(θ) = ½ Σ a_i (θ_i − c_i)², gradient a ⊙ (θ − c), with
a = [1, 2, 3, 4, 5, 6], c = [0.5, −0.25, 1, 0, −1, 0.75], θ0 = [1, −1, 0.5, 2, 0, −0.5].

deepzero: sparsity 0 (no mask), forward CGE on every coordinate, μ = 5e-3, lr 0.1, momentum 0.9,
3 steps. Parameters are float32 as in Java: θ_i + μ is rounded to float32 and the quotient divides
by the step actually taken; the momentum/SGD arithmetic is float32; f is float64.

rise_sgd: one parameter of shape [2, 3], block = row (two blocks of d = 3), q = 2 Gaussian
directions, seed 7, lr 0.1, momentum 0.5, 2 steps, float64 throughout. The directions are read from
the Java generator (Philox stream (7, "rise") derived by the step, values 0..11: block 0 uses
values 0..5 as u_1 = [0..3), u_2 = [3..6); block 1 uses 6..11), printed by
  Philox.stream(7, "rise").derive(t).fillGaussian(v, 0, 12, 0)
"""
import numpy as np

a = np.array([1, 2, 3, 4, 5, 6], dtype=np.float64)
c = np.array([0.5, -0.25, 1, 0, -1, 0.75], dtype=np.float64)
theta0 = np.array([1, -1, 0.5, 2, 0, -0.5], dtype=np.float64)


def f(t):
    t = t.astype(np.float64)
    return 0.5 * np.sum(a * (t - c) ** 2)


def deepzero(steps=3, mu=5e-3, lr=0.1, m=0.9):
    th = theta0.astype(np.float32)
    buf = np.zeros(6, dtype=np.float32)
    for _ in range(steps):
        f0 = f(th)
        g = np.zeros(6, dtype=np.float32)
        for i in range(6):
            p = th.copy()
            up = np.float32(np.float64(th[i]) + mu)
            p[i] = up
            g[i] = np.float32((f(p) - f0) / (np.float64(up) - np.float64(th[i])))
        buf = (np.float32(m) * buf + g).astype(np.float32)
        th = (th - np.float32(lr) * buf).astype(np.float32)
    return th


DIRS = [
    [2.4084096, 0.32673803, 0.27745092, -0.16035484, -1.3121493, 1.5512664, -0.6070323, -0.665161, -0.3027651, -1.6988871, 2.386539, 0.6992305],
    [2.1218321, 1.2396196, 0.22060382, -1.2075924, -0.25732833, -0.12637535, -0.8722233, 0.100374535, 3.1377094, 0.5411394, 1.381355, 0.638341],
]


def rise(steps=2, q=2, lr=0.1, m=0.5):
    th = theta0.copy()
    tr = np.zeros(6)
    d = 3
    cst = np.sqrt(q / (d + q + 1))
    for t in range(steps):
        g = a * (th - c)
        u = np.array(DIRS[t], dtype=np.float64)
        out = np.zeros(6)
        for b in range(2):
            gb = g[3 * b:3 * b + 3]
            s = np.zeros(3)
            for i in range(q):
                ui = u[6 * b + 3 * i: 6 * b + 3 * i + 3]
                s += (ui @ gb) * ui
            out[3 * b:3 * b + 3] = cst * s / q
        tr = m * tr + out
        th = th - lr * tr
    return th


np.set_printoptions(precision=9)
print("deepzero", [float(x) for x in deepzero()])
print("rise_sgd", [float(x) for x in rise()])
