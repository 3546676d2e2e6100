"""Reads an NF4 safetensors file written by `descent quantize --format nf4` the way bitsandbytes does
(QuantState.from_dict + the pure-torch dequantize_4bit / dequantize_blockwise of
bitsandbytes/backends/default/ops.py @95f9af30) and compares with `descent quantize --dequantize`.

Usage: /usr/bin/python3 bnb_nf4_read.py q.safetensors back.safetensors
"""
import json
import struct
import sys

import numpy as np
import torch

DT = {"F32": np.float32, "U8": np.uint8, "I8": np.int8, "F16": np.float16}

def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype=DT[v["dtype"]]).reshape(v["shape"]).copy())
    return out

q, back = read(sys.argv[1]), read(sys.argv[2])
checked = 0
for key in [k for k in q if k.endswith(".quant_state.bitsandbytes__nf4")]:
    name = key[: -len(".quant_state.bitsandbytes__nf4")]
    state = json.loads(bytes(q[key].numpy()).decode("utf-8"))
    absmax = q[name + ".absmax"]
    if "nested_offset" in state:
        code2, nested = q[name + ".nested_quant_map"], q[name + ".nested_absmax"]
        out = code2[absmax.reshape(-1).long()]  # bitsandbytes: .int(); torch 1.13 needs long indices
        pad = (-out.numel()) % state["nested_blocksize"]
        out = torch.nn.functional.pad(out, (0, pad))
        absmax = (out.view(-1, state["nested_blocksize"]) * nested.view(-1, 1)).reshape(-1)[: absmax.numel()]
        absmax = absmax + torch.tensor(float(state["nested_offset"]))
    A = q[name].reshape(-1)
    codes = torch.empty(A.numel() * 2, dtype=torch.int64)
    codes[1::2] = (A & 0xF).long()
    codes[::2] = (A >> 4).long()
    w = (q[name + ".quant_map"][codes].view(-1, state["blocksize"]) * absmax.view(-1, 1)).reshape(state["shape"])
    ours = back[name]
    assert torch.equal(w.view(torch.int32), ours.view(torch.int32)), name
    checked += 1
print("bit-identical:", checked, "NF4 weights")
