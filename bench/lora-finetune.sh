#!/usr/bin/env bash
# docs/peft.md, "Measured: LoRA against full fine-tuning":
#   1. pre-train the Shakespeare GPT with AdamW on the first 90% of the training split
#      (examples/shakespeare-char-pretrain.yaml, PRE_ITERS steps), leaving [0.9, 1) of it unseen;
#   2. fine-tune on that held-out slice (train_start=0.9, init_from=the pre-trained run) with AdamW at a
#      constant learning rate, FT_ITERS steps: every parameter (FULL_LR), and LoRA r=8, alpha=16 on
#      c_attn, c_proj and c_fc (LORA_LR);
#   3. print one line per fine-tuning run: slice loss and validation loss before and after, trainable
#      parameters, tokens/s.
# Usage: [PRE_ITERS=1200] [FT_ITERS=300] [FULL_LR=3e-4] [LORA_LR=2e-3] [MODEL="--set n_layer=2 …"] bench/lora-finetune.sh [out_dir]
# MODEL: extra overrides of every run (a smaller model for a quick check). Every run uses 1 kernel thread.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/lora-finetune}"
pre_iters="${PRE_ITERS:-1200}"
ft_iters="${FT_ITERS:-300}"
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
finetune full "${FULL_LR:-3e-4}" "$ft_iters"
finetune lora "${LORA_LR:-2e-3}" "$ft_iters" --set peft.r=8 --set peft.lora_alpha=16 --set peft.target_modules=c_attn,c_proj,c_fc

python3 - "$out" <<'PY'
import json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
first = json.loads((out / "before.log").read_text().strip().splitlines()[-1])
print(f"pre-trained: slice loss {first['final_train_loss']:.4f}, val loss {first['final_val_loss']:.4f}")
for name in ("full", "lora"):
    log = (out / f"{name}.log").read_text()
    final = json.loads(log.strip().splitlines()[-1])
    m = re.search(r"model: ([\d,]+) parameters", log)
    lora = re.search(r"([\d,]+) trainable parameters of", log)
    trainable = (lora or m).group(1)
    print(f"{name}: trainable {trainable}; slice loss {first['final_train_loss']:.4f} -> {final['final_train_loss']:.4f}, "
          f"val loss {first['final_val_loss']:.4f} -> {final['final_val_loss']:.4f}, {final['tokens_per_second']:.0f} tok/s")
PY
