"""Cross-checks `bin/descent rl loss` against TRL's GRPOTrainer loss formulas re-implemented in torch.

Writes a random batch (logprobs, old_logprobs, ref_logprobs, mask, advantages) to a safetensors file,
runs the CLI for each loss type, and compares its loss and d loss / d logprobs with torch autograd
(float64 from the float32 inputs). Formulas: huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8,
trl/trainer/grpo_trainer.py, _compute_loss (token-level ratio, two-sided clip, k3 KL).
Run from the repository root: /usr/bin/python3 descent-core/src/test/resources/golden/rl_loss_crosscheck.py
"""
import json
import struct
import subprocess
import sys
import tempfile

import torch

B, T = 6, 9
EPS, EPS_HIGH, BETA, MAX_LEN = 0.2, 0.28, 0.04, 12

g = torch.Generator().manual_seed(0)
old = -torch.rand(B, T, generator=g) * 3
logp = old + torch.randn(B, T, generator=g) * 0.3
ref = old + torch.randn(B, T, generator=g) * 0.2
lengths = torch.randint(1, T + 1, (B,), generator=g)
mask = (torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)).float()
adv = torch.randn(B, generator=g)


def write_safetensors(path, tensors):
    header, data = {}, b""
    for name, t in tensors.items():
        raw = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def trl(loss_type):
    d = torch.float64
    lp = logp.to(d).clone().requires_grad_(True)
    a = adv.to(d).unsqueeze(1)
    m = mask.to(d)
    coef_1 = torch.exp(lp - old.to(d))
    coef_2 = torch.clamp(coef_1, 1 - EPS, 1 + EPS_HIGH)
    per_token = -torch.min(coef_1 * a, coef_2 * a)
    r = ref.to(d)
    per_token = per_token + BETA * (torch.exp(r - lp) - (r - lp) - 1)
    if loss_type == "grpo":
        loss = ((per_token * m).sum(-1) / m.sum(-1).clamp(min=1.0)).mean()
    elif loss_type == "bnpo":
        loss = (per_token * m).sum() / m.sum().clamp(min=1.0)
    elif loss_type == "dr_grpo":
        loss = (per_token * m).sum() / (B * MAX_LEN)
    else:
        loss = (per_token * m).sum() / m.sum().clamp(min=1.0)
    loss.backward()
    return loss.item(), lp.grad


with tempfile.TemporaryDirectory() as tmp:
    path = tmp + "/batch.safetensors"
    write_safetensors(path, {"logprobs": logp, "old_logprobs": old, "ref_logprobs": ref, "mask": mask, "advantages": adv})
    worst = 0.0
    for t in ["grpo", "bnpo", "dr_grpo", "dapo"]:
        out = subprocess.run(["bin/descent", "rl", "loss", "--in", path, "--loss-type", t, "--set", f"epsilon={EPS}",
                              "--set", f"epsilon_high={EPS_HIGH}", "--set", f"beta={BETA}",
                              "--set", f"max_completion_length={MAX_LEN}", "--json"],
                             capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        loss, grad = trl(t)
        dl = abs(got["loss"] - loss)
        dg = (torch.tensor(got["grad_logprobs"], dtype=torch.float64) - grad).abs().max().item()
        worst = max(worst, dl, dg)
        print(f"{t:8s} loss descent {got['loss']:+.12f} torch {loss:+.12f} |diff| {dl:.2e}; max |grad diff| {dg:.2e}")
    sys.exit(0 if worst < 1e-9 else 1)
