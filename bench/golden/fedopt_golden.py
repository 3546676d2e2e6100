"""Reference values for dev.descent.federated.FedOptUpdate (FederatedTest.fedAdamAndFedYogiMatchNumpy).

An independent numpy (float64) computation of Flower's FedAdam and FedYogi server steps
(adap/flower commit fdef7afb1dca3030553be302366cfd285ed6632c, framework/py/flwr/server/strategy/
fedadam.py and fedyogi.py): delta = avg - x; m = b1 m + (1-b1) delta;
Adam: v = b2 v + (1-b2) delta^2, x += eta sqrt(1-b2^(r+1))/(1-b1^(r+1)) m/(sqrt v + tau);
Yogi: v = v - (1-b2) delta^2 sign(v - delta^2), x += eta m/(sqrt v + tau).
Three rounds on a 4-element model; the averages are fixed inputs. The global model is rounded to
float32 after each round, as the Java code stores it.

Run: /usr/bin/python3 bench/golden/fedopt_golden.py
"""
import numpy as np

x0 = np.array([0.5, -1.0, 0.25, 2.0], dtype=np.float32)
averages = [np.array([0.6, -0.8, 0.25, 1.5]), np.array([0.7, -0.9, 0.2, 1.4]), np.array([0.65, -0.7, 0.3, 1.2])]


def run(kind, eta, b1, b2, tau):
    x = x0.astype(np.float64)
    m = np.zeros(4)
    v = np.zeros(4)
    for r, avg in enumerate(averages, start=1):
        d = avg - x
        m = b1 * m + (1 - b1) * d
        if kind == "adam":
            v = b2 * v + (1 - b2) * d * d
            step = eta * np.sqrt(1 - b2 ** (r + 1.0)) / (1 - b1 ** (r + 1.0))
        else:
            v = v - (1 - b2) * d * d * np.sign(v - d * d)
            step = eta
        x = (x + step * m / (np.sqrt(v) + tau)).astype(np.float32).astype(np.float64)
    return x


np.set_printoptions(precision=10)
print("fedadam(eta=0.1, b1=0.9, b2=0.99, tau=1e-9):", [float(np.float32(t)) for t in run("adam", 0.1, 0.9, 0.99, 1e-9)])
print("fedyogi(eta=0.01, b1=0.9, b2=0.99, tau=1e-3):", [float(np.float32(t)) for t in run("yogi", 0.01, 0.9, 0.99, 1e-3)])
