"""Moments of Grams and MARS after three steps, in float64, from the reference semantics.

Grams (Gunale0926/Grams @ f91a375d): m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2.
MARS approximate mode (AGI-Arena/MARS @ 4831e28e): on a 2-D tensor
c = g + gamma * b1/(1 - b1) * (g - g_prev), clipped to norm 1, then m, v as above on c; on a 1-D tensor
plain AdamW moments with betas_1d on g.
beta2 = 0.999 everywhere, where 1 - (float) 0.999 is 1.3e-5 relative away from 0.001: the Java tests
(SeedGoldenTest.*MomentsMatchFloat64*) allow 1e-6 relative, so they pin 1 - beta computed in double.
Run: python3 bench/golden/grams_mars_moments.py
"""
import numpy as np

grads = [np.array([0.2, 0.1, -0.3, 0.05]), np.array([-0.1, 0.2, -0.1, 0.4]), np.array([0.3, -0.2, 0.25, 0.1])]

def grams(b1=0.9, b2=0.999):
    m = np.zeros(4); v = np.zeros(4)
    for g in grads:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
    return m, v

def mars_2d(b1=0.95, b2=0.999, gamma=0.025):
    m = np.zeros(4); v = np.zeros(4); last = np.zeros(4)
    for g in grads:
        c = g + gamma * (b1 / (1 - b1)) * (g - last)
        n = np.linalg.norm(c)
        if n > 1: c = c / n
        m = b1 * m + (1 - b1) * c
        v = b2 * v + (1 - b2) * c * c
        last = g
    return m, v

def adamw_1d(b1=0.9, b2=0.999):
    m = np.zeros(4); v = np.zeros(4)
    for g in grads:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
    return m, v

def show(name, mv):
    for label, x in zip(("m", "v"), mv):
        print(f"{name} {label}: " + ", ".join(repr(float(t)) for t in x))

show("grams", grams())
show("mars 2-D", mars_2d())
show("mars 1-D", adamw_1d())
