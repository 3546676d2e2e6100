"""One QuZO step (Quzo.java, stochastic rounding, 4 bits) on a tiny quadratic, computed independently with numpy.

Run: python3 bench/golden/quzo_step_golden.py  — prints the two losses, the projected gradient, the codes and
the parameters after the step; QuzoTest.oneStepMatchesNumpy holds these numbers.

Problem: parameters w (2x2, quantized, dense indices 0..3) and bias (2, float32, indices 4..5);
f(theta) = 1/2 sum a_i theta_i^2 + sum c_i theta_i, evaluated in float64 from the float32 values.
Direction u is fixed; the uniforms xi1, xi2, xi3 are the inputs the optimizer draws from its Philox stream
(seed 7, "zo/quzo/round", step 0, query 0, streams 0/1/2, element i), copied here as inputs.
"""
import numpy as np

f32 = np.float32
a = np.array([1, 2, 3, 4, 1, 2], dtype=np.float64)
c = np.array([0.5, -1, 0.3, 0.2, -0.4, 0.1], dtype=np.float64)
theta0 = np.array([0.7, -0.33, 0.2, -0.06, 0.1, -0.2], dtype=f32)
u = np.array([0.9, -1.3, 0.4, 2.1, 0.5, -0.7], dtype=f32)
hx = float.fromhex
xi1 = [hx('0x1.b39b64p-2'), hx('0x1.a290c6p-1'), hx('0x1.be41d4p-2'), hx('0x1.e6c0fp-1')]
xi2 = [hx('0x1.92a81cp-2'), hx('0x1.b2a01cp-2'), hx('0x1.e6fcep-2'), hx('0x1.32aa9p-4')]
xi3 = [hx('0x1.e261bap-1'), hx('0x1.3d06c8p-1'), hx('0x1.10aa18p-2'), hx('0x1.6ea38p-1')]
eps, lr, wd, bits = 0.05, 0.02, 0.1, 4
L = 2 ** (bits - 1) - 1

def sr(x, xi):  # stochastic rounding: floor(x) + [xi < frac(x)]
    lo = np.floor(x)
    return int(lo) + (1 if xi < x - lo else 0)

def loss(th):
    t = th.astype(np.float64)
    return float(np.sum(0.5 * a * t * t + c * t))

s = f32(np.max(np.abs(theta0[:4])) / f32(L))              # per-tensor absmax scale, float32
codes = np.clip(np.rint(theta0[:4].astype(np.float64) / float(s)), -L, L).astype(int)  # round to nearest
bias = theta0[4:].copy()
quant = lambda cs: np.array([f32(ci) * s for ci in cs], dtype=f32)

delta = [sr(eps * float(u[i]) / float(s), xi1[i]) for i in range(4)]
plus_w = quant(np.clip(codes + delta, -L, L))
minus_w = quant(np.clip(codes - np.array(delta), -L, L))
m = f32(eps)
bias_plus = (bias + m * u[4:]).astype(f32)
bias_minus = (bias_plus + f32(-2 * m) * u[4:]).astype(f32)
lp = loss(np.concatenate([plus_w, bias_plus]))
lm = loss(np.concatenate([minus_w, bias_minus]))
g = (lp - lm) / (2 * eps)

new_codes = []
for i in range(4):
    u2 = sr(eps * float(u[i]) / float(s), xi2[i]) * (float(s) / eps)
    lam = float(f32(wd))
    x = lr * (g * u2 + lam * float(f32(codes[i]) * s)) / float(s)
    new_codes.append(int(np.clip(codes[i] - sr(x, xi3[i]), -L, L)))
# the bias: restore then MeZO's float32 update (biases are not decayed)
g32, eta = f32(g), f32(lr)
b = (bias_minus + m * u[4:]).astype(f32)
b = (b - eta * (g32 * u[4:] + f32(0) * b)).astype(f32)

print("scale", repr(float(s)))
print("codes0", codes.tolist(), "delta", delta)
print("loss_plus %.15g loss_minus %.15g projected %.15g" % (lp, lm, g))
print("codes", new_codes)
print("theta", [float(v) for v in quant(new_codes)] + [float(v) for v in b])
