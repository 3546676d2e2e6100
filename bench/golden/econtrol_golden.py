"""Reference values for dev.descent.federated.EControl (EControlTest.threeRoundsMatchNumpy).

An independent numpy (float64) transcription of EControl's Algorithm 1 (Gao, Islamov, Stich, ICLR 2024):
delta_k = C(eta e_k + g_k - h_k); e_k += g_k - h_k - delta_k; h_k += delta_k; x -= gamma sum_k w_k h_k,
with C = top-k by magnitude (ties to the lower index), h = e = 0 at the start. Two clients, a 5-element
model, top-2, eta = 0.5, gamma = 0.8, weights 0.25 / 0.75, three rounds with fixed inputs g; the global
model is rounded to float32 after each round, as the Java code stores it.

The second part replays the rounds with h_k = g_k at the first message (the reference implementation's start).

Run: /usr/bin/python3 bench/golden/econtrol_golden.py
"""
import numpy as np

x = np.array([0.5, -1.0, 0.25, 2.0, 0.0], dtype=np.float32).astype(np.float64)
g = [[np.array([0.3, -0.1, 0.05, 0.2, -0.4]), np.array([-0.2, 0.6, 0.1, 0.0, 0.15])],
     [np.array([0.1, 0.2, -0.3, 0.05, 0.0]), np.array([0.4, -0.1, 0.2, -0.25, 0.3])],
     [np.array([-0.05, 0.15, 0.1, 0.3, -0.2]), np.array([0.0, 0.2, -0.1, 0.1, 0.5])]]
w = [0.25, 0.75]
eta, gamma, k = 0.5, 0.8, 2
h = [np.zeros(5), np.zeros(5)]
e = [np.zeros(5), np.zeros(5)]


def topk(v):
    order = sorted(range(len(v)), key=lambda i: (-abs(v[i]), i))
    out = np.zeros_like(v)
    out[order[:k]] = v[order[:k]]
    return out


for r in range(3):
    for c in range(2):
        d = topk(eta * e[c] + g[r][c] - h[c])
        e[c] = e[c] + g[r][c] - h[c] - d
        h[c] = h[c] + d
    x = (x - gamma * (w[0] * h[0] + w[1] * h[1])).astype(np.float32).astype(np.float64)

print("x:", [float(np.float32(t)) for t in x])
print("e0:", list(e[0]))
print("h1:", list(h[1]))

# The same three rounds with the reference implementation's start (EControlTest.firstInputStartMatchesNumpy):
# h_k = g_k and e_k = 0 at a client's first message, which is g_k itself (IgorSokoloff/
# Parameter-Agnostic-Error-Feedback-through-Momentum commit 6d5cacc, gen_sgd.py, ECONTROL branch).
x = np.array([0.5, -1.0, 0.25, 2.0, 0.0], dtype=np.float32).astype(np.float64)
h = [None, None]
e = [np.zeros(5), np.zeros(5)]
for r in range(3):
    for c in range(2):
        if h[c] is None:
            h[c] = g[r][c].copy()
            continue
        d = topk(eta * e[c] + g[r][c] - h[c])
        e[c] = e[c] + g[r][c] - h[c] - d
        h[c] = h[c] + d
    x = (x - gamma * (w[0] * h[0] + w[1] * h[1])).astype(np.float32).astype(np.float64)

print("first-input start x:", [float(np.float32(t)) for t in x])
print("first-input start e0:", list(e[0]))
print("first-input start h1:", list(h[1]))
