#!/usr/bin/env bash
# docs/zeroth-order.md, "### Measured: MeZO fine-tuning of the pre-trained GPT":
#   1. pre-train the Shakespeare GPT with AdamW on the first 90% of the training split
#      (examples/shakespeare-char-pretrain.yaml), leaving [0.9, 1) of it unseen;
#   2. fine-tune on that held-out slice (train_start=0.9, init_from=the pre-trained run) with MeZO,
#      ZO-Adam and AdamW at constant learning rates: a short sweep (600 forward passes), then the best
#      rate of each for 1200 forward passes, seeds 1..$seeds; the slice loss is estimated on fixed batches;
#   3. the peak live heap of inference / MeZO / ZO-Adam / AdamW from the pre-trained weights
#      (bin/descent bench memory --init-from).
# Usage: [SEEDS=n] MEZO_LR=.. ZO_ADAM_LR=.. ZOVH_LR=.. ADAMW_LR=.. bench/zo-finetune.sh [out_dir] [phase...]
#   phases: pretrain sweep final memory (default: all); sweep-OPT and final-OPT run one optimizer (mezo, zo_adam, zovh, adamw)
# Every run uses 1 kernel thread. Tables: bench/summarize-finetune.py out_dir.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/zo-finetune}"
shift || true
phases="${*:-pretrain sweep final memory}"
seeds="${SEEDS:-1}"
mkdir -p "$out"
cd "$root"
pre="$out/pretrain"

# Fine-tuning from $pre on the held-out slice: name, optimizer, lr, steps, eval_interval, seed.
finetune() {
  local name=$1 opt=$2 lr=$3 steps=$4 every=$5 seed=$6 args=()
  case $opt in
    mezo) args=(--set optimizer=mezo --set optimizer_args.mu=1e-3 --set optimizer_args.seed=$seed) ;;
    zo_adam) args=(--set optimizer=zo_adam --set optimizer_args.mu=1e-3 --set optimizer_args.seed=$seed) ;;
    # The reference's language-model launcher (zovh.sh): EPS 1e-2, lambda 0.5, no history, K = 3.
    zovh) args=(--set optimizer=zovh --set optimizer_args.blocks=tensor --set optimizer_args.mu=1e-2 --set optimizer_args.lambda_hess=0.5
                --set optimizer_args.num_histories=0 --set optimizer_args.seed=$seed) ;;
    adamw) args=(--set optimizer=adamw) ;;
  esac
  bin/descent train --config examples/shakespeare-char-pretrain.yaml --set init_from="$pre" \
      --set train_start=0.9 --set train_end=1.0 --set decay_lr=false --set learning_rate=$lr --set min_lr=0 \
      --set max_iters=$steps --set eval_interval=$every --set eval_iters=20 --set log_interval=50 \
      --set seed=$seed --set out_dir="$out/$name" "${args[@]}" --json > "$out/$name.log" 2>&1
}

sweep_lrs() {
  case $1 in mezo) echo 1e-5 3e-5 1e-4 3e-4 ;; zo_adam) echo 1e-4 3e-4 ;; zovh) echo 1e-5 5e-5 1e-4 ;; adamw) echo 1e-4 3e-4 1e-3 ;; esac
}

# The fixed budget: 1200 forward passes = 600 ZO steps; AdamW 400 steps (1200 forward-equivalents).
final() {  # optimizer, lr
  local s
  for s in $(seq 1 "$seeds"); do
    [ -d "$out/final-start-s$s" ] || finetune "final-start-s$s" adamw 1e-3 0 1 "$s"   # the pre-trained model on seed s's evaluation batches
    grep -qs '"run_dir"' "$out/final-$1-s$s.log" && continue   # finished earlier (its --json summary is there)
    case $1 in
      adamw) finetune "final-$1-s$s" "$1" "$2" 400 50 "$s" ;;
      zovh) finetune "final-$1-s$s" "$1" "$2" 400 100 "$s" ;;   # K = 3 forward passes per step
      *) finetune "final-$1-s$s" "$1" "$2" 600 100 "$s" ;;
    esac
  done
}

for phase in $phases; do
  case $phase in
    pretrain)
      /usr/bin/time -f "pretrain: %e s wall, %U s user" \
        bin/descent train --config examples/shakespeare-char-pretrain.yaml --set out_dir="$pre" --json > "$out/pretrain.log" 2>&1 ;;
    sweep|sweep-mezo|sweep-zo_adam|sweep-zovh|sweep-adamw)  # 600 forward passes: 300 MeZO/ZO-Adam steps, 200 ZoVH steps, 200 AdamW steps (600 forward-equivalents)
      opts="mezo zo_adam zovh adamw"; [ "$phase" = sweep ] || opts="${phase#sweep-}"
      for opt in $opts; do
        steps=300; [ "$opt" = adamw ] || [ "$opt" = zovh ] && steps=200
        for lr in $(sweep_lrs "$opt"); do finetune "sweep-$opt-$lr" "$opt" "$lr" $steps $steps 1; done
      done ;;
    final) final mezo "${MEZO_LR:?}"; final zo_adam "${ZO_ADAM_LR:?}"; final zovh "${ZOVH_LR:?}"; final adamw "${ADAMW_LR:?}" ;;
    final-zovh) final zovh "${ZOVH_LR:?}" ;;
    final-mezo) final mezo "${MEZO_LR:?}" ;;
    final-zo_adam) final zo_adam "${ZO_ADAM_LR:?}" ;;
    final-adamw) final adamw "${ADAMW_LR:?}" ;;
    memory)
      /usr/bin/time -f "memory: %e s wall, %U s user" \
        bin/descent bench memory --init-from "$pre" > "$out/memory.txt" 2> "$out/memory.err" ;;
    *) echo "unknown phase $phase; valid: pretrain sweep[-OPT] final[-OPT] memory" >&2; exit 2 ;;
  esac
done
