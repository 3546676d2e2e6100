"""Reference values for dev.descent.federated.Dadao (DadaoTest.fixedEventsMatchTorch).

An independent float64 transcription of DADAO's jumps and ODE (Nabli and Oyallon, ICML 2023; the
equations as in its authors' optimizers.DADAO_optimizer, commit eed1ed1): each node carries
(x, x~, y, y~, z, z~), integrated between its events by torch.linalg.matrix_exp of the 6x6 ODE matrix;
a gradient event at node i jumps along r = grad f_i(x_i) - nu x_i - y~_i, a gossip on (i, j) moves z and z~
by -/+ beta p and -/+ beta~ p with p = (y_i + z_i) - (y_j + z_j).
Three nodes, f_i(x) = a_i/2 |x - c_i|^2 in 2 dimensions, mu = 0.5, L = 2, chi_1* = 0.7, every x starting at
(0.3f, -0.2f), a fixed list of seven events.

Run: /usr/bin/python3 bench/golden/dadao_golden.py
"""
import math
import torch

torch.set_default_dtype(torch.float64)
mu, L, chi1s = 0.5, 2.0, 0.7
a = [1.0, 2.0, 0.5]
c = [torch.tensor([1.0, -1.0]), torch.tensor([0.5, 2.0]), torch.tensor([-2.0, 0.25])]
nu = mu / 2
root = math.sqrt(nu / L)
alpha, alpha_t, eta, theta = root / 4, root / 8, root / 8, 0.5 / root
gamma, gamma_t, delta_sum = 1 / (4 * L), 1 / (4 * math.sqrt(L * nu)), root / 4 + 1
beta, beta_t = 0.5, 2 * chi1s / root
M = torch.zeros(6, 6)
M[0, 0], M[0, 1] = -eta, eta
M[1, 0], M[1, 1] = eta, -eta
M[2, 2], M[2, 3] = -alpha, alpha
M[3, 1], M[3, 2], M[3, 4] = -theta * nu, -theta, -theta
M[4, 4], M[4, 5] = -alpha, alpha
M[5, 4], M[5, 5] = alpha_t, -alpha_t

n = 3
S = torch.zeros(n, 6, 2)  # node, variable (x, x~, y, y~, z, z~), coordinate
S[:, 0, :] = torch.tensor([0.3, -0.2], dtype=torch.float32).double()  # the Java start is float32
last = [0.0] * n


def advance(i, t):
    S[i] = torch.linalg.matrix_exp(M * (t - last[i])) @ S[i]
    last[i] = t


events = [(0.4, 'g', 1), (0.9, 'm', 0, 2), (1.3, 'g', 0), (1.35, 'm', 1, 2), (2.0, 'g', 2), (2.6, 'm', 0, 1), (3.1, 'g', 1)]
for ev in events:
    t = ev[0]
    if ev[1] == 'g':
        i = ev[2]
        advance(i, t)
        x = S[i, 0].clone()
        r = a[i] * (x - c[i]) - nu * x - S[i, 3]
        S[i, 0] -= gamma * r
        S[i, 1] -= gamma_t * r
        S[i, 3] += delta_sum * r
    else:
        i, j = ev[2], ev[3]
        advance(i, t)
        advance(j, t)
        p = (S[i, 2] + S[i, 4]) - (S[j, 2] + S[j, 4])
        S[i, 4] -= beta * p
        S[j, 4] += beta * p
        S[i, 5] -= beta_t * p
        S[j, 5] += beta_t * p

for i in range(n):
    print("x[%d] = {%s}" % (i, ", ".join(repr(v) for v in S[i, 0].tolist())))
    print("z[%d] = {%s}" % (i, ", ".join(repr(v) for v in S[i, 4].tolist())))
print("sum z =", S[:, 4].sum(0).tolist(), "sum z~ =", S[:, 5].sum(0).tolist())
# every node's ODE run up to the same time: sum z and sum z~ are then 0 (gossip moves them by opposite
# amounts, and the ODE is linear in (z, z~) alone)
for i in range(n):
    advance(i, 4.0)
print("at t = 4: sum z =", S[:, 4].sum(0).tolist(), "sum z~ =", S[:, 5].sum(0).tolist())
print("at t = 4: x[0] = {%s}" % ", ".join(repr(v) for v in S[0, 0].tolist()))
