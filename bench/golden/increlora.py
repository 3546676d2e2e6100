#!/usr/bin/env python3
"""Golden values for IncreLoraAllocatorTest, computed independently of the Java code with numpy.

1. Importance of a tiny module: a 5 -> 4 layer, adapter in IncreLoRA's SVD form
   dW = s * B diag(E) A / r (r = 3 components, s = 2), input x [3, 5], loss L = sum(c * (x W0^T + x dW^T)),
   so G = dL/d(dW) = c^T x; I = sum |dW * G| / sqrt(20). Arrays filled by f(k, i) = sin(0.37*i*k + 0.1*k) * scale.
2. A schedule: three modules with importances I_m(t) = |sin(0.7*t + m)| * (m + 1) for t = 0..7, beta1 = beta2 = 0.85,
   initial rank 1, budget 8, init_warmup 2, interval 3, top_h 2, rank_per_add 2, max ranks (4, 6, 6):
   the averages at the end (tracking stops once the budget is reached) and the ranks after each allocation step, by the rule of IncreLoraAllocator's
   comment (descending score, ties in module order, each module min(rank_per_add, budget - total, max - rank)).

Run: /usr/bin/python3 bench/golden/increlora.py   (prints the values pasted into the test)
"""
import numpy as np

def fill(k, shape, scale):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (np.sin(0.37 * i * k + 0.1 * k) * scale).reshape(shape)

IN, OUT, R, N, S = 5, 4, 3, 3, 2.0
A = fill(4, (R, IN), 0.4); B = fill(5, (OUT, R), 0.3); E = fill(6, (R,), 0.5)
X = fill(2, (N, IN), 1.0); C = fill(3, (N, OUT), 1.0)
dW = S * B @ np.diag(E) @ A / R
G = C.T @ X
print("importance =", repr(float(np.abs(dW * G).sum() / np.sqrt(dW.size))))

mods = ["m0", "m1", "m2"]; maxr = {"m0": 4, "m1": 6, "m2": 6}
rank = {m: 1 for m in mods}; ipt = {m: 0.0 for m in mods}; unc = {m: 0.0 for m in mods}
b1 = b2 = 0.85; budget, warm, interval, top_h, per_add = 8, 2, 3, 2, 2
for t in range(8):
    if sum(rank.values()) < budget:
        for k, m in enumerate(mods):
            I = abs(np.sin(0.7 * t + k)) * (k + 1)
            ipt[m] = b1 * ipt[m] + (1 - b1) * I
            unc[m] = b2 * unc[m] + (1 - b2) * abs(I - ipt[m])
        if t > warm and t % interval == 0:
            order = sorted(mods, key=lambda m: -ipt[m] * unc[m])  # sorted is stable
            chosen = 0
            for m in order:
                if chosen == top_h or sum(rank.values()) == budget: break
                room = min(per_add, budget - sum(rank.values()), maxr[m] - rank[m])
                if room <= 0: continue
                rank[m] += room; chosen += 1
            print(f"after step {t}: ranks", [rank[m] for m in mods], "scores", [repr(float(ipt[m] * unc[m])) for m in mods])
print("sensitivity =", [repr(float(ipt[m])) for m in mods])
print("uncertainty =", [repr(float(unc[m])) for m in mods])
