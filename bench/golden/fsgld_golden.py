"""Reference values for dev.descent.federated.Fsgld (FsgldTest.threeNoiselessStepsMatchNumpy).

An independent numpy (float64) transcription of FSGLD's step (El Mekkaoui et al., UAI 2021) with the
noise off (T = 0): on client s with visit share f_s,
grad U = lam0 theta + lik_grad + sum_j L_j (theta - mu_j) - L_s (theta - mu_s) / f_s,
theta <- theta - eps grad U. Two clients (f = 0.25, 0.75), a 3-element model, lam0 = 0.5, eps = 0.05,
fixed likelihood gradients, three steps on clients 0, 1, 0; theta rounded to float32 after each step,
as the Java code stores it.

Run: /usr/bin/python3 bench/golden/fsgld_golden.py
"""
import numpy as np

mu = [np.array([0.2, -0.4, 1.0]), np.array([-0.3, 0.1, 0.5])]
lam = [np.array([2.0, 0.5, 1.0]), np.array([1.0, 3.0, 0.25])]
f = [0.25, 0.75]
lam0, eps = 0.5, 0.05
theta = np.array([0.1, 0.2, -0.3], dtype=np.float32).astype(np.float64)
steps = [(0, np.array([0.4, -0.2, 0.1])), (1, np.array([-0.1, 0.3, 0.2])), (0, np.array([0.05, 0.0, -0.3]))]
for s, lik in steps:
    g = lam0 * theta + lik + sum(lam[j] * (theta - mu[j]) for j in range(2)) - lam[s] * (theta - mu[s]) / f[s]
    theta = (theta - eps * g).astype(np.float32).astype(np.float64)
print("theta:", [float(np.float32(t)) for t in theta])
