"""Golden values for the continual package's UPGD transformation (UpgdTest).

An independent float64 numpy transcription of FirstOrderGlobalUPGD (mohmdelsayed/upgd,
core/optim/weight_upgd/first_order.py at commit 998f48b616ab7126324c2c3ccd6531ee83bbd81f):
    U <- b*U + (1-b)*(-g*theta); m = max(U) over all weights;
    u_bar = sigmoid((U/(1-b**t))/m); theta <- (1-lr*wd)*theta - lr*(g + sigma*xi)*(1-u_bar)
Two steps on two tensors w (2x3) and b (3,), with fixed gradients per step. The Gaussian noise xi
is the input the Java side draws from Philox (seed 7, "continual/upgd", derived by the step, indices
0..8 over the concatenated set w then b); its values are listed here and asserted in the test.

Run: python3 bench/golden/upgd_golden.py
"""
import numpy as np

beta, sigma, wd, lr = 0.9, 0.5, 0.1, 0.1
theta = np.array([0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.1, -0.2, 0.3])
grads = [np.array([0.2, 0.4, -0.1, 0.3, -0.6, 0.05, 1.0, -0.5, 0.2]),
         np.array([-0.1, 0.3, 0.2, -0.4, 0.1, 0.5, -0.3, 0.2, 0.6])]
xi = [np.array([-0.69114417, -0.33165872, -1.8172135, 0.44288534, -2.9309075, 0.90273166, -0.22971633, 0.10633354, 1.1361985]),
      np.array([-1.8436853, -0.5431044, 1.0590606, -1.3377074, 1.6290838, 0.76145345, -0.07843689, -1.4109429, 0.5421802])]
U = np.zeros(9)
for t in (1, 2):
    g = grads[t - 1]
    U = beta * U + (1 - beta) * (-g * theta)
    m = U.max()
    ubar = 1 / (1 + np.exp(-((U / (1 - beta ** t)) / m)))
    theta = (1 - lr * wd) * theta - lr * (g + sigma * xi[t - 1]) * (1 - ubar)
    print("after step", t, ", ".join(repr(float(v)) for v in theta))
print("utility", ", ".join(repr(float(v)) for v in U))
