#!/usr/bin/env bash
# Before/after in one run: builds git revision BASE (default HEAD~1) in a temporary worktree, then
# alternates the nanoGPT CPU recipe (a shortened run) and the fused AdamW step benchmark between the BASE
# build and the current tree, and prints the medians and the ratios new/base.
#
#   bench/compare-builds.sh [BASE] [--iters N] [--rounds R]
#
# Tokens/s come from the recipe's --json summary (training time only, evaluations excluded); the AdamW
# figure is `bench optim`'s fused-step bandwidth as a percentage of copy bandwidth measured in the same
# JMH run (quick mode), at 1 and 2 threads, which takes most of the machine's load out of the ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="HEAD~1"; iters=300; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --iters) iters="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    -h|--help) sed -n 2,9p "$0"; exit 0;;
    *) base="$1"; shift;;
  esac
done
. "$root/bench/base-build.sh"
run_cli() {  # $1 = tree, rest = CLI arguments
  local tree="$1"; shift
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xms3g -Xmn2g -Xss8m \
    -cp "$tree/descent-cli/target/descent-cli-0.1.0-SNAPSHOT.jar:$tree/descent-cli/target/lib/*" dev.descent.cli.Descent "$@" 2>/dev/null
}
tps() {  # tokens/s of a shortened recipe run in tree $1
  local out; out="$(mktemp -d)"
  run_cli "$1" train --config "$root/examples/shakespeare-char.yaml" --set max_iters="$iters" --set lr_decay_iters="$iters" \
    --set eval_interval="$iters" --set eval_iters=1 --set final_eval_iters=1 --set sample_tokens=0 --set out_dir="$out/run" --json \
    | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_per_second"])'
  rm -rf "$out"
}
adamw() {  # "%copy@1 %copy@2": the fused AdamW step's bandwidth as a percentage of copy bandwidth in the same run, tree $1
  run_cli "$1" bench optim --json | tail -n 1 | python3 -c '
import json,sys
d=json.load(sys.stdin)
rows=[r for r in d["results"] if r["benchmark"]=="adamwStep"]
print(" ".join(str(r["pct_of_copy"]) for r in sorted(rows,key=lambda r:r["threads"])))'
}
declare -a tb tn a1b a2b a1n a2n
for r in $(seq 1 "$rounds"); do
  tb+=("$(tps "$work/base")"); tn+=("$(tps "$root")")
  read -r x y <<<"$(adamw "$work/base")"; a1b+=("$x"); a2b+=("$y")
  read -r x y <<<"$(adamw "$root")"; a1n+=("$x"); a2n+=("$y")
  echo "round $r: tokens/s base ${tb[-1]} new ${tn[-1]}; AdamW %copy 1T base ${a1b[-1]} new ${a1n[-1]}, 2T base ${a2b[-1]} new ${a2n[-1]}; load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
python3 - "${tb[*]}" "${tn[*]}" "${a1b[*]}" "${a1n[*]}" "${a2b[*]}" "${a2n[*]}" <<'PY'
import statistics as s, sys
names = ["recipe tokens/s", "AdamW % of copy, 1 thr", "AdamW % of copy, 2 thr"]
vals = [list(map(float, a.split())) for a in sys.argv[1:]]
for i, n in enumerate(names):
    b, m = s.median(vals[2*i]), s.median(vals[2*i+1])
    print(f"{n:24s} base {b:10.1f}  new {m:10.1f}  new/base {m/b:.3f}")
PY
