#!/usr/bin/env bash
# Which optimizer trains the Shakespeare GPT best? For each optimizer: a learning-rate sweep of three
# values at 500 iterations (seed 1337), then the best value at the full 2000 iterations for seeds 1, 2, 3.
# Validation loss every 100 steps on 20 fixed batches (the same batches for every run), final loss on 200.
# Results: one JSON line per run in $out/results.jsonl, curves in each run's metrics.jsonl,
# and a Markdown summary in $out/summary.md (written by bench/summarize-comparison.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/compare}"
mkdir -p "$out"
base=(--config "$root/examples/shakespeare-char.yaml" --set eval_interval=100 --set eval_iters=20
      --set final_eval_iters=200 --set sample_tokens=0 --set log_interval=50)

# name | extra settings | learning rates swept (min_lr is always lr/10)
plan=(
  "adamw||5e-4 1e-3 2e-3"
  "muon|optimizer_args.adamw_lr=1e-3|0.01 0.02 0.04"
  "lion||1e-4 3e-4 1e-3"
  "sophiag|optimizer_args.rho=0.04|3e-4 1e-3 3e-3"
  "auon|optimizer_args.adamw_lr=1e-3|0.02 0.055 0.1"
  "hybrid_auon|optimizer_args.adamw_lr=1e-3|0.02 0.055 0.1"
  "mars_adamw||1e-3 3e-3 6e-3"
  "grams||5e-4 1e-3 2e-3"
  "dualadam||5e-4 1e-3 2e-3"
)

run() {  # name extras lr iters seed tag
  local name=$1 extras=$2 lr=$3 iters=$4 seed=$5 tag=$6
  local dir="$out/$name-$tag-lr$lr-s$seed"
  if [ -f "$dir/done.json" ]; then return; fi
  local sets=(--set optimizer="$name" --set learning_rate="$lr" --set min_lr="$(python3 -c "print($lr/10)")"
              --set max_iters="$iters" --set lr_decay_iters="$iters" --set seed="$seed" --set out_dir="$dir")
  if [ -n "$extras" ]; then sets+=(--set "$extras"); fi
  local line
  line=$("$root/bin/descent" train "${base[@]}" "${sets[@]}" --json 2>>"$out/stderr.log" | tail -n 1) || line='{"failed":true}'
  echo "{\"optimizer\":\"$name\",\"lr\":$lr,\"iters\":$iters,\"seed\":$seed,\"phase\":\"$tag\",\"run_dir\":\"$dir\",\"result\":$line}" | tee -a "$out/results.jsonl"
  echo "$line" > "$dir/done.json"
}

declare -A best
for entry in "${plan[@]}"; do      # phase 1: learning-rate sweeps at 500 iterations
  IFS='|' read -r name extras lrs <<<"$entry"
  bestLr=""; bestLoss=""
  for lr in $lrs; do
    run "$name" "$extras" "$lr" 500 1337 sweep
    loss=$(python3 -c "import json; print(json.load(open('$out/$name-sweep-lr$lr-s1337/done.json')).get('final_val_loss', 99))" 2>/dev/null || echo 99)
    if [ -z "$bestLoss" ] || python3 -c "import sys; sys.exit(0 if $loss < $bestLoss else 1)"; then bestLr=$lr; bestLoss=$loss; fi
  done
  best[$name]=$bestLr
  echo "$name: best swept lr $bestLr (val $bestLoss at 500 iterations)" | tee -a "$out/sweep.txt"
done
for seed in 1 2 3; do              # phases 2-4: full runs, one seed for every optimizer at a time
  for entry in "${plan[@]}"; do
    IFS='|' read -r name extras lrs <<<"$entry"
    run "$name" "$extras" "${best[$name]}" 2000 "$seed" final
  done
done
python3 "$root/bench/summarize-comparison.py" "$out" > "$out/summary.md"
cat "$out/summary.md"
