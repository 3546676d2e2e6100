"""Reference values for dev.descent.privacy.RdpAccountant (RdpAccountantTest).

A float64 transcription of Opacus's RDP accountant for the sampled Gaussian mechanism,
pytorch/opacus commit 4d0ebc84613d214fbfd37fbfd1390e3747a625ce:
  opacus/accountants/analysis/rdp.py  (_compute_log_a_for_int_alpha / _frac_alpha, _compute_rdp,
                                       get_privacy_spent: Balle et al. 2020, Theorem 21)
  opacus/accountants/rdp.py           (DEFAULT_ALPHAS)
  opacus/accountants/utils.py         (get_noise_multiplier: doubling, then bisection to 0.01)
Opacus needs scipy (special.binom, special.log_ndtr), which is not installed here, so this script
uses the standard library only: binom(alpha, i) as the product (alpha - k)/(k + 1) and
log(erfc(x)) from math.erfc, switching to erfc's asymptotic series where math.erfc underflows.
The Java code computes erfc through the regularized incomplete gamma function instead, so the two
share the formulas (Opacus's) but not the special-function code.

Run: /usr/bin/python3 bench/golden/opacus_rdp_golden.py
"""
import math

DEFAULT_ALPHAS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))


def log_add(x, y):
    a, b = min(x, y), max(x, y)
    if a == -math.inf:
        return b
    return math.log1p(math.exp(a - b)) + b


def log_sub(x, y):
    if x < y:
        raise ValueError("negative")
    if y == -math.inf:
        return x
    if x == y:
        return -math.inf
    try:
        return math.log(math.expm1(x - y)) + y
    except OverflowError:
        return x


def binom(alpha, i):
    c = 1.0
    for k in range(i):
        c *= (alpha - k) / (k + 1)
    return c


def log_erfc(x):
    e = math.erfc(x)
    if e > 1e-300:
        return math.log(e)
    # erfc(x) ~ exp(-x^2)/(x sqrt(pi)) * (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) ...)
    s, term = 1.0, 1.0
    for n in range(1, 8):
        term *= -(2 * n - 1) / (2 * x * x)
        s += term
    return -x * x - math.log(x) - 0.5 * math.log(math.pi) + math.log(s)


def log_a_int(q, sigma, alpha):
    log_a = -math.inf
    for i in range(alpha + 1):
        log_coef = math.log(binom(alpha, i)) + i * math.log(q) + (alpha - i) * math.log(1 - q)
        log_a = log_add(log_a, log_coef + (i * i - i) / (2 * sigma ** 2))
    return log_a


def log_a_frac(q, sigma, alpha):
    log_a0, log_a1 = -math.inf, -math.inf
    i = 0
    z0 = sigma ** 2 * math.log(1 / q - 1) + 0.5
    while True:
        coef = binom(alpha, i)
        log_coef = math.log(abs(coef))
        j = alpha - i
        log_t0 = log_coef + i * math.log(q) + j * math.log(1 - q)
        log_t1 = log_coef + j * math.log(q) + i * math.log(1 - q)
        log_e0 = math.log(0.5) + log_erfc((i - z0) / (math.sqrt(2) * sigma))
        log_e1 = math.log(0.5) + log_erfc((z0 - j) / (math.sqrt(2) * sigma))
        log_s0 = log_t0 + (i * i - i) / (2 * sigma ** 2) + log_e0
        log_s1 = log_t1 + (j * j - j) / (2 * sigma ** 2) + log_e1
        if coef > 0:
            log_a0 = log_add(log_a0, log_s0)
            log_a1 = log_add(log_a1, log_s1)
        else:
            log_a0 = log_sub(log_a0, log_s0)
            log_a1 = log_sub(log_a1, log_s1)
        i += 1
        if max(log_s0, log_s1) < -30:
            break
    return log_add(log_a0, log_a1)


def rdp(q, sigma, alpha):
    if q == 1.0:
        return alpha / (2 * sigma ** 2)
    if float(alpha).is_integer():
        return log_a_int(q, sigma, int(alpha)) / (alpha - 1)
    return log_a_frac(q, sigma, alpha) / (alpha - 1)


def epsilon(q, sigma, steps, delta, orders=DEFAULT_ALPHAS):
    best, best_order = math.inf, math.nan
    for a in orders:
        r = rdp(q, sigma, a) * steps
        e = r - (math.log(delta) + math.log(a)) / (a - 1) + math.log((a - 1) / a)
        if e < best:  # np.nanargmin: the first minimum
            best, best_order = e, a
    return best, best_order


def noise_multiplier(target_eps, delta, q, steps, tol=0.01):
    eps_high = math.inf
    lo, hi = 0.0, 10.0
    while eps_high > target_eps:
        hi = 2 * hi
        eps_high = epsilon(q, hi, steps, delta)[0]
    while target_eps - eps_high > tol:
        s = (lo + hi) / 2
        e = epsilon(q, s, steps, delta)[0]
        if e < target_eps:
            hi, eps_high = s, e
        else:
            lo = s
    return hi


if __name__ == "__main__":
    settings = [
        (0.04, 1.5, 2250, 1e-5),
        (0.01, 1.1, 10000, 1e-5),
        (0.001, 0.8, 1000, 1e-6),
        (0.1, 3.0, 100, 1e-5),
        (0.256, 0.7, 50, 1e-3),
        (1.0, 5.0, 10, 1e-5),
        (0.02, 4.0, 1, 1e-5),
        (0.5, 0.3, 3, 1e-2),
    ]
    for q, s, n, d in settings:
        e, a = epsilon(q, s, n, d)
        print(f"q={q} sigma={s} steps={n} delta={d}: eps={e!r} order={a!r}")
    # Opacus's module docstring example: two mechanisms composed, orders 2..32, delta 1e-5 -> (0.336, 23)
    orders = list(range(2, 33))
    tot = [rdp(1e-5, 1.0, a) * 10 + rdp(1e-4, 3.0, a) * 4 for a in orders]
    eps = [r - (math.log(1e-5) + math.log(a)) / (a - 1) + math.log((a - 1) / a) for r, a in zip(tot, orders)]
    k = min(range(len(eps)), key=lambda i: eps[i])
    print(f"docstring example: eps={eps[k]!r} order={orders[k]}")
    print("noise_multiplier(8, 1e-5, 0.04, 2250) =", noise_multiplier(8, 1e-5, 0.04, 2250))
    print("noise_multiplier(8, 1e-5, 0.04, 2000) =", noise_multiplier(8, 1e-5, 0.04, 2000))
