#!/usr/bin/env python3
"""Independent check of a LoRA run's PEFT files against the merged model `descent peft merge` wrote.

Reads, with numpy only (the safetensors format parsed by hand: 8-byte little-endian header length,
JSON header, raw little-endian data), the adapter in PEFT's layout

    adapter_config.json          r, lora_alpha, use_rslora, rank_pattern, alpha_pattern
    adapter_model.safetensors    base_model.model.<P>.lora_A.weight [r, in], ....lora_B.weight [out, r]

and the base checkpoint named by base_model_name_or_path, rebuilds PEFT's merge
W' = W + (B @ A) * s with s = alpha / r (alpha / sqrt(r) with rsLoRA) for every adapted module P, and
compares with the merged model's weights: the adapted weights within float32 rounding, every other
tensor bit for bit. Exits 1 on a mismatch.

    python3 bench/peft_check.py runs/lora runs/lora-merged
"""
import json
import re
import struct
import sys
from pathlib import Path

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        raw = data[8 + n + a:8 + n + b]
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} has dtype {info['dtype']}; this check reads F32 files")
        out[name] = np.frombuffer(raw, dtype="<f4").reshape(info["shape"])
    return out


def pattern_key(patterns, key):
    for p in patterns:
        if re.match(rf"(.*\.)?({p})$", key):
            return p
    return None


def main(run, merged):
    ck = Path(run) / "checkpoint"
    cfg = json.loads((ck / "adapter_config.json").read_text())
    assert cfg["peft_type"] == "LORA", cfg["peft_type"]
    adapter = read_safetensors(ck / "adapter_model.safetensors")
    base_dir = Path(cfg["base_model_name_or_path"])
    base_file = base_dir if base_dir.suffix == ".safetensors" else base_dir / "checkpoint" / "model.safetensors"
    base = read_safetensors(base_file)
    out = read_safetensors(Path(merged) / "checkpoint" / "model.safetensors")
    adapted = set()
    worst = 0.0
    for key, a in adapter.items():
        m = re.fullmatch(r"base_model\.model\.(.*)\.lora_A\.weight", key)
        if not m:
            continue
        path = m.group(1)
        b = adapter[f"base_model.model.{path}.lora_B.weight"]
        rk = pattern_key(cfg.get("rank_pattern") or {}, path)
        ak = pattern_key(cfg.get("alpha_pattern") or {}, path)
        r = cfg["rank_pattern"][rk] if rk else cfg["r"]
        alpha = cfg["alpha_pattern"][ak] if ak else cfg["lora_alpha"]
        assert a.shape[0] == r and b.shape[1] == r, (path, a.shape, b.shape, r)
        s = alpha / np.sqrt(r) if cfg.get("use_rslora") else alpha / r
        w = base[f"{path}.weight"]
        expected = w + (b @ a) * np.float32(s)
        got = out[f"{path}.weight"]
        diff = float(np.max(np.abs(expected - got)))
        scale = float(np.max(np.abs(expected)))
        worst = max(worst, diff / scale)
        print(f"{path}.weight: r={r} s={s:g} max|diff|={diff:.3g} (relative {diff / scale:.3g})")
        adapted.add(f"{path}.weight")
    same = 0
    for name, t in out.items():
        if name in adapted:
            continue
        if name in base and not np.array_equal(base[name], t):
            print(f"{name}: differs from the base but has no adapter")
            return 1
        same += 1
    print(f"{len(adapted)} adapted weights (worst relative difference {worst:.3g}), {same} other tensors equal to the base")
    return 0 if adapted and worst < 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
