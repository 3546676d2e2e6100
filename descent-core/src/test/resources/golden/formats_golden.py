"""Golden values for StorageFormatsTest and SafetensorsDtypeTest (numpy only; torch as a cross-check).

Run: /usr/bin/python3 formats_golden.py   (numpy 1.24, torch 1.13)

1. Edge float32 values and their bfloat16 bits (round to nearest even by bit manipulation; a NaN gives
   sign | 0x7FC0) and float16 bits (numpy's astype(np.float16)).
2. A safetensors file written from the documented format with numpy + json + struct (the python
   `safetensors` package is not installed here): __metadata__ first, then the tensors in buffer
   order, compact JSON, the header padded with spaces to a multiple of 8 bytes.
"""
import json
import struct

import numpy as np

edge = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan,
    np.finfo(np.float32).max, -np.finfo(np.float32).max, np.finfo(np.float32).tiny,
    np.float32(1e-45), np.float32(3e-39), 65504.0, 65505.0, 65519.0, 65520.0, 6.1035156e-05, 6.0e-08, 5.96e-08,
    2.98e-08, 2.9802322e-08, 1e-10,
    np.float32(1.0) + np.float32(2**-8), np.float32(1.0) + np.float32(3*2**-8),
    np.float32(1.0) + np.float32(2**-8) + np.float32(2**-20),
    1.00048828125, 1.00146484375, 3.14159265, -2.7182817, 1e30, 3.3895314e38, 3.3961776e38, 1/3], dtype=np.float32)
edge = np.concatenate([edge, np.array([0x7F800001, 0xFFC00001, 0x7FFFFFFF], dtype=np.uint32).view(np.float32)])


def bf16_bits(x):
    bits = x.view(np.uint32)
    lsb = (bits >> 16) & 1
    rounded = ((bits.astype(np.uint64) + 0x7FFF + lsb) >> 16).astype(np.uint32) & 0xFFFF
    return np.where(np.isnan(x), ((bits >> 16) & 0x8000) | 0x7FC0, rounded).astype(np.uint16)


with np.errstate(over="ignore"):
    f16 = edge.astype(np.float16).view(np.uint16)
bf = bf16_bits(edge)
print("EDGE_BITS", ", ".join("0x%08X" % b for b in edge.view(np.uint32)))
print("BF16", ", ".join("0x%04X" % b for b in bf))
print("F16", ", ".join("0x%04X" % b for b in f16))
try:
    import torch
    tb = torch.from_numpy(edge.copy()).bfloat16().view(torch.int16).numpy().view(np.uint16)
    print("torch bfloat16 agrees on every non-NaN value:", bool(((tb == bf) | np.isnan(edge)).all()))
except ImportError:
    pass

# ---- a safetensors file with one tensor per dtype
finite = edge[np.isfinite(edge)][:12]
np.seterr(over="ignore")  # float32 max overflows float16 to inf, on purpose
tensors = [
    ("half", "F16", [3, 4], finite.astype(np.float16)),
    ("brain", "BF16", [2, 6], bf16_bits(finite)),
    ("bytes", "I8", [5], np.array([-128, -1, 0, 1, 127], dtype=np.int8)),
    ("ubytes", "U8", [3], np.array([0, 128, 255], dtype=np.uint8)),
    ("ints", "I32", [2], np.array([-2**31, 2**31 - 1], dtype=np.int32)),
    ("longs", "I64", [2], np.array([-2**63, 2**40 + 1], dtype=np.int64)),
    ("doubles", "F64", [2], np.array([0.1, -1e300], dtype=np.float64)),
    ("floats", "F32", [1, 2], np.array([0.1, -3.5], dtype=np.float32)),
]
header = {"__metadata__": {"format": "pt"}}
buffer = b""
for name, dtype, shape, values in tensors:
    raw = values.astype(values.dtype.newbyteorder("<")).tobytes()
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(buffer), len(buffer) + len(raw)]}
    buffer += raw
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
blob = struct.pack("<Q", len(text)) + text + buffer
print("SAFETENSORS", blob.hex())
print("half as float32", [float(v) for v in finite.astype(np.float16).astype(np.float32)])
