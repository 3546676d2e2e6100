#!/usr/bin/env bash
# docs/peft.md, "Measured: LoRA against full fine-tuning":
#   1. pre-train the Shakespeare GPT with AdamW on the first 90% of the training split
#      (examples/shakespeare-char-pretrain.yaml, PRE_ITERS steps), leaving [0.9, 1) of it unseen;
#   2. fine-tune on that held-out slice (train_start=0.9, init_from=the pre-trained run) with AdamW at a
#      constant learning rate, FT_ITERS steps: every parameter (FULL_LR), LoRA r=8, alpha=16 on
#      c_attn, c_proj and c_fc over the float32 base (LORA_LR), and QLoRA: the same adapters over the
#      base quantized to NF4 with double quantization (quantize.format=nf4; LORA_LR); each with the
#      fine-tuning seeds 1..SEEDS (data order, adapter initialisation; the pre-trained base is shared);
#   3. print one line per method: validation and slice loss after fine-tuning (mean ± sample sd over
#      the seeds), trainable parameters, model-state bytes, median tokens/s.
# Usage: [PRE_ITERS=1200] [FT_ITERS=300] [FULL_LR=3e-4] [LORA_LR=2e-3] [SEEDS=1] [MODEL="--set n_layer=2 …"] bench/lora-finetune.sh [out_dir]
# MODEL: extra overrides of every run (a smaller model for a quick check). Every run uses 1 kernel thread.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/lora-finetune}"
pre_iters="${PRE_ITERS:-1200}"
ft_iters="${FT_ITERS:-300}"
seeds="${SEEDS:-1}"
read -r -a model <<< "${MODEL:-}"
mkdir -p "$out"
cd "$root"
pre="$out/pretrain"
if [ ! -f "$pre/checkpoint/checkpoint.json" ]; then
  bin/descent train --config examples/shakespeare-char-pretrain.yaml --set max_iters="$pre_iters" --set lr_decay_iters="$pre_iters" \
      --set eval_interval="$pre_iters" --set eval_iters=20 --set threads=1 --set sample_tokens=0 --set out_dir="$pre" "${model[@]}" --json \
      > "$out/pretrain.log" 2>&1
fi

finetune() {
  local name=$1 lr=$2 steps=$3; shift 3
  rm -rf "${out:?}/$name"
  bin/descent train --config examples/shakespeare-char-pretrain.yaml --set init_from="$pre" \
      --set train_start=0.9 --set train_end=1.0 --set decay_lr=false --set learning_rate="$lr" --set min_lr=0 \
      --set max_iters="$steps" --set eval_interval="$((steps > 0 ? steps : 1))" --set eval_iters=20 --set final_eval_iters=20 --set log_interval=50 \
      --set threads=1 --set sample_tokens=0 --set out_dir="$out/$name" "${model[@]}" "$@" --json > "$out/$name.log" 2>&1
}

finetune before 1e-3 0
lora=(--set peft.r=8 --set peft.lora_alpha=16 --set peft.target_modules=c_attn,c_proj,c_fc)
for seed in $(seq 1 "$seeds"); do
  finetune "full-$seed" "${FULL_LR:-3e-4}" "$ft_iters" --set seed="$seed"
  finetune "lora-$seed" "${LORA_LR:-2e-3}" "$ft_iters" --set seed="$seed" "${lora[@]}"
  finetune "qlora-$seed" "${LORA_LR:-2e-3}" "$ft_iters" --set seed="$seed" "${lora[@]}" --set quantize.format=nf4
done

python3 - "$out" "$seeds" <<'PY'
import json, pathlib, re, statistics, sys
out, seeds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
first = json.loads((out / "before.log").read_text().strip().splitlines()[-1])
print(f"pre-trained: slice loss {first['final_train_loss']:.4f}, val loss {first['final_val_loss']:.4f}")
def msd(xs):
    return f"{statistics.mean(xs):.4f} ± {statistics.stdev(xs):.4f}" if len(xs) > 1 else f"{xs[0]:.4f}"
full_state = None
for name in ("full", "lora", "qlora"):
    runs = []
    for seed in range(1, seeds + 1):
        log = (out / f"{name}-{seed}.log").read_text()
        runs.append((json.loads(log.strip().splitlines()[-1]), log))
    log = runs[0][1]
    m = re.search(r"model: ([\d,]+) parameters", log)
    lora = re.search(r"([\d,]+) trainable parameters of", log)
    trainable = (lora or m).group(1)
    state = runs[0][0]["model_state_bytes"]
    full_state = full_state or state
    print(f"{name}: trainable {trainable}; val loss {msd([r['final_val_loss'] for r, _ in runs])}, "
          f"slice loss {msd([r['final_train_loss'] for r, _ in runs])} (n={seeds}); "
          f"model state {state:,} bytes ({state / full_state:.3f} of full); "
          f"{statistics.median([r['tokens_per_second'] for r, _ in runs]):.0f} tok/s (median)")
PY
