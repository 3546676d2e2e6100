#!/usr/bin/env python3
"""Golden values for TeraTest and HutTest (descent-core), computed independently of the Java code:
torch autograd in float64, the TeRA update written as one einsum over the Tucker network (the Java code
contracts mode by mode), the HUT weight written as W0 * (1 + s*B@A).

Setup shared with the tests (VariantFixture, bench/golden/lora_variants.py): a linear layer in = 5,
out = 4, batch 3, loss L = sum(c * y); every array filled by f(k, i) = sin(0.37*i*k + 0.1*k) * scale
(i the row-major index). Two SGD steps with learning rate 0.1 on the trainable tensors.

TeRA: dW [4, 5] read as [o1, o2, i1, i2] = [2, 2, 1, 5] (out 4 = 2*2, in 5 = 1*5), rank r = 2,
  dW[p,q,s,t] = (1/sqrt(5)) * sum_abcd G[a,b,c,d] l1[a] l2[b] l3[c] l4[d] U2[p,a] U2[q,b] U1[s,c] U5[t,d]
  with G = f(6, [2,2,2,2], 1.0), U1 = f(7, [1,2], 0.5), U2 = f(8, [2,2], 0.5), U5 = f(9, [5,2], 0.5)
  (one factor per mode size, shared by the modes of that size) and l_n = f(10 + n, [2], 0.8);
  y = x W0^T + x dW^T.
HUT: W = W0 * (1 + s * B @ A) with A = f(4, [2, 5], 0.4), B = f(5, [4, 2], 0.3), s = 16 / 2 = 8; y = x W^T.

Run: /usr/bin/python3 bench/golden/tera_hut.py   (prints the values pasted into the tests)
"""
import numpy as np
import torch

IN, OUT, R, N, LR = 5, 4, 2, 3, 0.1


def fill(k, shape, scale):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (np.sin(0.37 * i * k + 0.1 * k) * scale).reshape(shape)


def f32(a):
    """The float32 values the Java test stores, back in float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


W0 = torch.tensor(f32(fill(1, (OUT, IN), 0.5)))
X = torch.tensor(f32(fill(2, (N, IN), 1.0)))
C = torch.tensor(f32(fill(3, (N, OUT), 1.0)))


def show(name, v):
    v = v.detach().numpy() if torch.is_tensor(v) else np.asarray(v)
    print(f"{name} = {{{', '.join(repr(float(x)) for x in v.ravel())}}};")


# ---------------------------------------------------------------- TeRA
G = torch.tensor(f32(fill(6, (R, R, R, R), 1.0)))
U1 = torch.tensor(f32(fill(7, (1, R), 0.5)))
U2 = torch.tensor(f32(fill(8, (2, R), 0.5)))
U5 = torch.tensor(f32(fill(9, (5, R), 0.5)))
lam = [torch.tensor(f32(fill(10 + n, (R,), 0.8)), requires_grad=True) for n in range(1, 5)]


def tera_delta(l):
    t = torch.einsum("abcd,a,b,c,d,pa,qb,sc,td->pqst", G, l[0], l[1], l[2], l[3], U2, U2, U1, U5)
    return t.reshape(OUT, IN) / np.sqrt(IN)


def tera_loss(l):
    y = X @ W0.T + X @ tera_delta(l).T
    return (C * y).sum()


print("// TeRA")
show("delta", tera_delta(lam))
tera_loss(lam).backward()
for n in range(4):
    show(f"grad{n + 1}", lam[n].grad)
with torch.no_grad():
    for p in lam:
        p -= LR * p.grad
        p.grad = None
tera_loss(lam).backward()
with torch.no_grad():
    for p in lam:
        p -= LR * p.grad
show("deltaTwoSteps", tera_delta(lam))

# ---------------------------------------------------------------- HUT
S = 16.0 / R
A = torch.tensor(f32(fill(4, (R, IN), 0.4)), requires_grad=True)
B = torch.tensor(f32(fill(5, (OUT, R), 0.3)), requires_grad=True)


def hut_weight():
    return W0 * (1 + S * B @ A)


def hut_loss():
    return (C * (X @ hut_weight().T)).sum()


print("// HUT")
show("delta", hut_weight() - W0)
hut_loss().backward()
show("gradA", A.grad)
show("gradB", B.grad)
with torch.no_grad():
    A -= LR * A.grad
    B -= LR * B.grad
    A.grad = None
    B.grad = None
hut_loss().backward()
with torch.no_grad():
    A -= LR * A.grad
    B -= LR * B.grad
show("deltaTwoSteps", hut_weight() - W0)
