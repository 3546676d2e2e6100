# GEMM reference timing for `descent bench gemm`: numpy (OpenBLAS) float32 C = A @ B, square.
# Usage: python3 gemm_numpy.py SIZES SAMPLES   (SIZES comma separated). Thread count comes from
# OPENBLAS_NUM_THREADS, set by the caller. Prints one JSON object {"n": median GFLOPS, ...}.
import json
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy not available", file=sys.stderr)
    sys.exit(3)


def main():
    sizes = [int(s) for s in sys.argv[1].split(",")]
    samples = int(sys.argv[2])
    out = {}
    for n in sizes:
        rng = np.random.default_rng(0)
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        # warm up, and choose how many calls one sample times (>= ~20 ms)
        inner = 1
        deadline = time.perf_counter() + 0.3
        while True:
            t0 = time.perf_counter()
            for _ in range(inner):
                np.matmul(a, b, out=c)
            t = time.perf_counter() - t0
            if t >= 0.02 and time.perf_counter() >= deadline:
                break
            if t < 0.02:
                inner *= 2
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            for _ in range(inner):
                np.matmul(a, b, out=c)
            times.append((time.perf_counter() - t0) / inner)
        times.sort()
        out[str(n)] = 2.0 * n ** 3 / times[len(times) // 2] / 1e9
    print(json.dumps(out))


main()
