#!/usr/bin/env bash
# Benchmarks of docs/zeroth-order.md (## DeepZero, ## RISE):
#   (a) continual split digits, FO SGD vs norm-matched ZO vs RISE (RiseContinualBench), task-aware evaluation
#       at two learning rates, then class-incremental evaluation;
#   (b) DeepZero (CGE + ZO-GraSP sparsity) vs FO SGD/Adam on the digits MLP (DeepZeroBench).
# Each prints a Markdown table; results go to $out (default runs/zo-deepzero-rise).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/zo-deepzero-rise}"
mkdir -p "$out"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
mvn -B -o -q -pl descent-core,descent-bench compile
cp="descent-core/target/classes:descent-bench/target/classes"
run() { java --add-modules jdk.incubator.vector -cp "$cp" "$@" 2>&1 | grep -v '^WARNING'; }
run dev.descent.bench.zo.RiseContinualBench 300 5 4 0.05 | tee "$out/rise-lr0.05.md"
run dev.descent.bench.zo.RiseContinualBench 300 5 4 0.2 | tee "$out/rise-lr0.2.md"
run dev.descent.bench.zo.RiseContinualBench 300 5 4 0.05 class | tee "$out/rise-lr0.05-class.md"
run dev.descent.bench.zo.DeepZeroBench 400 3 | tee "$out/deepzero.md"
