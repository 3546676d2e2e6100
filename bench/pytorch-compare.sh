#!/usr/bin/env bash
# Training speed, Descent against nanoGPT on PyTorch (CPU), interleaved in one run.
# Usage: bench/pytorch-compare.sh NANOGPT_DIR [--sizes recipe,medium,default] [--steps N] [--rounds R] [--threads T]
#   NANOGPT_DIR  a checkout of karpathy/nanoGPT (train.py, model.py, config/); it is not modified.
# Environment: PYTHON (default /usr/bin/python3 when it has torch, else python3), threads from --threads
# or OMP_NUM_THREADS (default 2). Both programs get OMP_NUM_THREADS, OMP_WAIT_POLICY=PASSIVE (idle
# OpenMP threads sleep instead of spinning, which would steal the core from the other program's
# measurements on a shared machine), no OPENBLAS_CORETYPE (OpenBLAS picks its kernels itself), and,
# when Debian's libopenblas0-openmp is installed, its directory first on LD_LIBRARY_PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ ! -f "$1/train.py" ]; then
  echo "usage: bench/pytorch-compare.sh NANOGPT_DIR [--sizes recipe,medium,default] [--steps N] [--rounds R] [--threads T]" >&2
  exit 2
fi
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then PYTHON=/usr/bin/python3; fi
fi
if ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
  echo "pytorch-compare: skipped: $PYTHON has no torch (install python3-torch) or numpy"
  exit 0
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" OMP_WAIT_POLICY=PASSIVE
unset OPENBLAS_CORETYPE
if command -v dpkg >/dev/null 2>&1; then
  blas_dir="$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libopenblas\.so\.0$' | head -n1 | xargs -r dirname)"
  [ -n "$blas_dir" ] && export LD_LIBRARY_PATH="$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
echo "load: $(uptime | sed 's/.*load average/load average/'); python: $PYTHON; OMP_NUM_THREADS=$OMP_NUM_THREADS; LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
exec "$PYTHON" "$here/pytorch_compare.py" --python "$PYTHON" "$@"
