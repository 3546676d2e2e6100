"""Reference values for dev.descent.federated.OptEx (OptExTest.fourIterationsMatchNumpy).

An independent numpy (float64) transcription of OptEx with SGD as its authors' JAX code runs it
(youyve/OptEx commit 26c4c9e, optex_jax/OptEx_JAX.py run_optex and get_proxy_grad_func): the proxy gradient
is k(x/c, X/c) (K + std I)^-1 G with the Matern 5/2 kernel (unit variance, length scale l), c the mean over
the history of sqrt(|X_j|); N - 1 proxy SGD steps from x, the true gradients at the N proxy points, the last
one's SGD step kept; all N (point, gradient) pairs appended to the history (last H kept).
Quadratic f(x) = 1/2 sum h_i x_i^2 - b.x with evaluation k of each iteration adding 0.01 (k + 1) to every
coordinate of the gradient; N = 3, H = 5, l = 2, std = 0.001, lr = 0.2, four iterations from (1, -2, 0.5).

Run: /usr/bin/python3 bench/golden/optex_golden.py
"""
import numpy as np

h = np.array([1.0, 3.0, 0.5])
b = np.array([0.2, -0.1, 0.4])
N, H, ell, std, lr = 3, 5, 2.0, 0.001, 0.2


def grad(x, k):
    return h * x - b + 0.01 * (k + 1)


def matern(A, B):
    d = np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)) / ell
    return (1 + np.sqrt(5) * d + 5 * d ** 2 / 3) * np.exp(-np.sqrt(5) * d)


X, G = [], []
x = np.array([1.0, -2.0, 0.5])
for it in range(4):
    if len(X) < 2:
        proxy = lambda z: np.zeros_like(z)
    else:
        Xs = np.array(X)
        c = np.sqrt(np.linalg.norm(Xs, axis=-1)).mean()
        Xn = Xs / c
        W = np.linalg.inv(matern(Xn, Xn) + std * np.eye(len(X))) @ np.array(G)
        proxy = lambda z, Xn=Xn, W=W, c=c: (matern((z / c)[None, :], Xn) @ W)[0]
    ps = [x]
    for k in range(N - 1):
        ps.append(ps[-1] - lr * proxy(ps[-1]))
    gs = [grad(p, k) for k, p in enumerate(ps)]
    x = ps[-1] - lr * gs[-1]
    X += ps
    G += gs
    X, G = X[-H:], G[-H:]
    print("iteration", it, "x =", ", ".join(repr(float(v)) for v in x))
