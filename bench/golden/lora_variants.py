#!/usr/bin/env python3
"""Golden values for the LoRA variants' tests (descent-core LoraProTest, LoraSbTest), computed
independently of the Java code: torch autograd (float64) for the gradients, the Sylvester equation
solved as a Kronecker linear system, and numpy's pinv/SVD for the variants' algebra.

Setup shared with the tests: a linear layer y = x W0^T + s*(x A^T) B^T (LoRA) or
y = x W0^T + s*((x A^T) R^T) B^T (LoRA-SB), in = 5, out = 4, r = 2, batch 3, the loss
L = sum(c * y) with fixed c; every array is filled by f(k, i) = sin(0.37*i*k + 0.1*k) * scale (i the
row-major index). Two SGD steps with learning rate 0.1 follow each variant's rule.

Run: /usr/bin/python3 bench/golden/lora_variants.py   (prints the values pasted into the tests)
"""
import numpy as np
import torch


def solve_sylvester(M1, M2, Q):
    """X with M1 X + X M2 = Q, as the linear system (I (x) M1 + M2^T (x) I) vec(X) = vec(Q), column-major vec."""
    n, m = Q.shape
    K = np.kron(np.eye(m), M1) + np.kron(M2.T, np.eye(n))
    return np.linalg.solve(K, Q.reshape(-1, order="F")).reshape((n, m), order="F")

IN, OUT, R, N, LR = 5, 4, 2, 3, 0.1


def fill(k, shape, scale):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (np.sin(0.37 * i * k + 0.1 * k) * scale).reshape(shape)


W0 = fill(1, (OUT, IN), 0.5)
X = fill(2, (N, IN), 1.0)
C = fill(3, (N, OUT), 1.0)
A0 = fill(4, (R, IN), 0.4)
B0 = fill(5, (OUT, R), 0.3)


def lora_grads(A, B, s):
    a = torch.tensor(A, requires_grad=True)
    b = torch.tensor(B, requires_grad=True)
    y = torch.tensor(X) @ torch.tensor(W0).T + s * (torch.tensor(X) @ a.T) @ b.T
    (torch.tensor(C) * y).sum().backward()
    return a.grad.numpy(), b.grad.numpy()


def lora_pro_adjust(A, B, gA, gB, s, delta=1e-8):
    """LoRA-Pro (Theorem 2.1 with the X of Theorem 2.3), straight from the paper's equations."""
    BtB = B.T @ B
    AAt = A @ A.T
    BtB_inv = np.linalg.pinv(BtB + delta * np.eye(R))
    AAt_inv = np.linalg.pinv(AAt + delta * np.eye(R))
    Xs = solve_sylvester(BtB + delta * np.eye(R), AAt + delta * np.eye(R), -(1 / s**2) * BtB_inv @ gA @ A.T)
    nA = (1 / s**2) * BtB_inv @ gA + Xs @ A
    nB = (1 / s**2) * (np.eye(OUT) - B @ BtB_inv @ B.T) @ gB @ AAt_inv - B @ Xs
    return nA, nB


def show(name, v):
    print(f"{name} = {{{', '.join(repr(float(x)) for x in np.asarray(v).ravel())}}}")


print("// LoRA-Pro, s = 2")
s = 2.0
A, B = A0.copy(), B0.copy()
gA, gB = lora_grads(A, B, s)
nA, nB = lora_pro_adjust(A, B, gA, gB, s)
show("adjustedA", nA)
show("adjustedB", nB)
for step in range(2):
    gA, gB = lora_grads(A, B, s)
    nA, nB = lora_pro_adjust(A, B, gA, gB, s)
    A, B = A - LR * nA, B - LR * nB
show("twoStepsA", A)
show("twoStepsB", B)

print("// LoRA-SB, s = 1, eta1 = 0.01")
G = C.T @ X                      # dL/dW of the base weight for L = sum(c * (x W^T))
D = -0.01 * np.sign(G)
U, S, Vt = np.linalg.svd(D)
Bsb, Rsb, Asb = U[:, :R], np.diag(S[:R]), Vt[:R]
show("sbSigma", S[:R])
show("sbProduct", Bsb @ Rsb @ Asb)
r = torch.tensor(Rsb, requires_grad=True)
for step in range(2):
    r.grad = None
    y = torch.tensor(X) @ torch.tensor(W0).T + ((torch.tensor(X) @ torch.tensor(Asb).T) @ r.T) @ torch.tensor(Bsb).T
    (torch.tensor(C) * y).sum().backward()
    if step == 0:
        show("sbGradR", r.grad.numpy())
    with torch.no_grad():
        r -= LR * r.grad
show("sbTwoStepsProduct", Bsb @ r.detach().numpy() @ Asb)
