#!/usr/bin/env bash
# Before/after of a GPT training step in one JVM: builds git revision BASE (default HEAD~1) in a
# temporary worktree, loads its descent-core and the current tree's into two class loaders, and
# times forward + backward of the same model in alternating blocks of steps (bench/PairedStep.java).
# Paired by block, the ratio new/base is steady on a machine whose speed drifts by ±25% between
# whole-process runs.
#
#   bench/paired-step.sh [BASE] [layers width heads block batch] [--blocks N] [--steps K] [--bias]
#
# Default model: the middle size of BENCHMARKS.md §8 (6 layers, width 192, 6 heads, block 128, batch 32).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="HEAD~1"
if [ $# -gt 0 ] && [[ "$1" != -* ]] && ! [[ "$1" =~ ^[0-9]+$ ]]; then base="$1"; shift; fi
. "$root/bench/base-build.sh"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xms2g -Xmx12g \
  "$root/bench/PairedStep.java" "$work/base/descent-cli/target/lib" "$root/descent-cli/target/lib" "$@" \
  2> >(grep -v 'WARNING: Using incubator modules' >&2)
