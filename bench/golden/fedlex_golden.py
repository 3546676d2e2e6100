"""Reference values for dev.descent.federated.FedLex (FedLexTest.guidanceAndGuidedStepMatchNumpy).

An independent numpy (float64) transcription of FedLEx's global guidance matrix (its authors' code,
ChristianInterno/FedLEx commit 69ed581, GTL_utils.create_mask with the default MinMax normalisation):
ls = mean_k (scout_k - base)^2, then per parameter tensor G = (ls - min ls) / (max ls - min ls); then one
guided SGD step w - lr * G * g. Two tensors of 3 and 2 entries, three scouts, lr = 0.1.

Run: /usr/bin/python3 bench/golden/fedlex_golden.py
"""
import numpy as np

f32 = lambda v: np.array(v, dtype=np.float32).astype(np.float64)
base = f32([0.5, -0.25, 1.0, 0.0, 2.0])
scouts = [f32([0.7, -0.25, 0.5, 0.1, 2.5]), f32([0.2, 0.0, 1.2, -0.3, 1.0]), f32([0.6, -0.5, 1.1, 0.2, 2.0])]
pieces = [3, 2]
ls = np.mean([(s - base) ** 2 for s in scouts], axis=0)
G = np.zeros_like(ls)
start = 0
for p in pieces:
    seg = ls[start:start + p]
    G[start:start + p] = (seg - seg.min()) / (seg.max() - seg.min())
    start += p
G = G.astype(np.float32)
print("G =", ", ".join(repr(float(v)) + "f" for v in G))
g = np.array([0.4, -1.0, 0.3, 2.0, -0.5], dtype=np.float32)
w = base.astype(np.float32) - np.float32(0.1) * (G * g)
print("w =", ", ".join(repr(float(v)) + "f" for v in w))
