# Golden values for ClassicGoldenTest: float64 NumPy re-implementations of the references' documented
# algorithms (torch.optim docs pseudo-code for SGD/Adam/AdamW/Adagrad/RMSprop, optax.lamb's chain of
# scale_by_adam -> add_decayed_weights -> scale_by_trust_ratio -> scale_by_learning_rate, and the
# Lion update of specs/10_lion.md). Written independently of the Java code; PyTorch not needed.
# Two tensors a = theta[0:2], b = theta[2:4]; inputs are dyadic so float32 represents them exactly.
import numpy as np

THETA0 = np.array([1.0, -2.0, 0.5, 3.0])
GRADS = [np.array([0.125, -0.25, 0.375, -0.5]),
         np.array([-0.5, 0.25, 0.0, 0.625]),
         np.array([0.25, 0.125, -0.375, 0.0625])]
SLICES = [slice(0, 2), slice(2, 4)]

def sgd(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    p = THETA0.copy(); buf = None
    for g in GRADS:
        d = g + weight_decay * p
        if momentum != 0:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        p = p - lr * d
    return p, buf

def adam(lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    p = THETA0.copy(); m = np.zeros(4); v = np.zeros(4); vmax = np.zeros(4)
    for t, g in enumerate(GRADS, 1):
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        bc1 = 1 - b1 ** t; bc2 = 1 - b2 ** t
        if amsgrad:
            vmax = np.maximum(vmax, v); vv = vmax
        else:
            vv = v
        denom = np.sqrt(vv) / np.sqrt(bc2) + eps
        p = p - (lr / bc1) * m / denom
    return p, m, v

def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    p = THETA0.copy(); s = np.full(4, initial_accumulator_value)
    for t, g in enumerate(GRADS, 1):
        g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (np.sqrt(s) + eps)
    return p, s

def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    p = THETA0.copy(); sq = np.zeros(4); ga = np.zeros(4); buf = np.zeros(4)
    for g in GRADS:
        g = g + weight_decay * p
        sq = alpha * sq + (1 - alpha) * g * g
        if centered:
            ga = ga + (1 - alpha) * (g - ga)
            avg = np.sqrt(sq - ga * ga) + eps
        else:
            avg = np.sqrt(sq) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
    return p, sq

def lion(lr, b1=0.9, b2=0.99, weight_decay=0.0):
    p = THETA0.copy(); m = np.zeros(4)
    for g in GRADS:
        p = p * (1 - lr * weight_decay)
        p = p - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
    return p, m

def lamb(lr, b1=0.9, b2=0.999, eps=1e-6, weight_decay=0.0):
    p = THETA0.copy(); m = np.zeros(4); v = np.zeros(4)
    for t, g in enumerate(GRADS, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        u = (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        u = u + weight_decay * p
        for s in SLICES:
            pn = np.linalg.norm(p[s]); un = np.linalg.norm(u[s])
            u[s] = u[s] * (pn / un if pn > 0 and un > 0 else 1.0)
        p = p - lr * u
    return p, m

def show(name, arrs):
    print(name, "=", "; ".join("{" + ", ".join(repr(float(x)) for x in a) + "}" for a in arrs))

show("SGD_PLAIN", sgd(0.1)[:1])
show("SGD_MOMENTUM", sgd(0.1, momentum=0.9, dampening=0.1, weight_decay=0.01))
show("SGD_NESTEROV", sgd(0.1, momentum=0.9, nesterov=True, weight_decay=0.01))
show("ADAM", adam(0.1))
show("ADAM_WD", adam(0.1, weight_decay=0.1))
show("AMSGRAD", adam(0.1, b2=0.9, weight_decay=0.1, amsgrad=True))
show("ADAMW", adam(0.1, weight_decay=0.1, decoupled=True))
show("ADAGRAD", adagrad())
show("ADAGRAD_FULL", adagrad(lr=0.1, lr_decay=0.5, weight_decay=0.1, initial_accumulator_value=0.1))
show("RMSPROP", rmsprop())
show("RMSPROP_FULL", rmsprop(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.9, centered=True))
show("LION", lion(0.1))
show("LION_WD", lion(0.1, weight_decay=0.5))
show("LAMB", lamb(0.1))
show("LAMB_WD", lamb(0.1, weight_decay=0.1))
