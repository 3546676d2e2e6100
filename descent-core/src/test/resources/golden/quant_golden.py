"""Golden values for dev.descent.quant (QuantGoldenTest reads quant_golden.out).

Run: /usr/bin/python3 quant_golden.py > quant_golden.out   (numpy 1.24, torch 1.13)

Independent of the Java code paths:
- FP8: every code decoded from the OCP OFP8 definition with exact fractions; encodings chosen by brute
  force over all finite values (exact Fraction distances, ties to the even mantissa, a virtual value one
  step above max marking overflow). torch 1.13 has no float8 dtypes, hence this enumeration.
- The dynamic 8-bit map: bitsandbytes' create_dynamic_map (functional.py @95f9af30) run with torch.
- NF4: absmax per block of 64, x * float32(1/absmax), code = argmin |scaled - level| (first index on
  ties: the pure-torch backend's rule, not the C kernel's midpoint tree), bitsandbytes packing
  (first element of each pair in the high nibble), decoding level * absmax in float32.
- Double quantization: offset = float64 mean of the absmax rounded to float32, codes = argmin over the
  dynamic map of (absmax - offset) * float32(1/blockmax) per block of 256, decoded map*blockmax + offset.
"""
import struct
from fractions import Fraction as Fr
import numpy as np
import torch

def hexf(v):
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0]

def f32(v):
    return np.float32(v)

# ---------------------------------------------------------------- FP8
def fp8_values(ebits, mbits, bias, ieee):
    vals = {}
    for c in range(256):
        s = -1 if c & 0x80 else 1
        e = (c >> mbits) & ((1 << ebits) - 1)
        m = c & ((1 << mbits) - 1)
        top = (1 << ebits) - 1
        if ieee and e == top:
            vals[c] = None if m else ("inf", s)
        elif not ieee and e == top and m == (1 << mbits) - 1:
            vals[c] = None
        elif e == 0 and m == 0:
            vals[c] = -0.0 if s < 0 else 0.0
        elif e == 0:
            vals[c] = s * Fr(m, 1 << mbits) * Fr(2) ** (1 - bias)
        else:
            vals[c] = s * (1 + Fr(m, 1 << mbits)) * Fr(2) ** (e - bias)
    return vals

def as_float(v):
    if v is None:
        return float("nan")
    if isinstance(v, tuple):
        return float("inf") * v[1]
    return float(v)

def fp8_encode(x, vals, mbits, maxcode, overflow_code, saturate):
    if np.isnan(x):
        return None
    sign = 0x80 if np.signbit(x) else 0
    if np.isinf(x):
        return sign | (maxcode if saturate else overflow_code)
    a = Fr(float(abs(x)))
    cands = [(c, Fr(vals[c])) for c in range(128) if vals[c] is not None and not isinstance(vals[c], tuple)]
    mx = Fr(vals[maxcode])
    # one step above max (same binade spacing as the top binade): the value the rounding would reach
    step = mx - Fr(vals[maxcode - 1])
    cands.append(("over", mx + step, (maxcode + 1) & 1))
    best = None
    for cand in cands:
        c, v = cand[0], cand[1]
        parity = cand[2] if c == "over" else c & 1
        d = abs(a - v)
        key = (d, parity)
        if best is None or key < best[0]:
            best = (key, c)
    c = best[1]
    if c == "over":
        return sign | (maxcode if saturate else overflow_code)
    return sign | c

out = []
for name, ebits, mbits, bias, ieee, maxcode, nancode, overcode in [
        ("E4M3", 4, 3, 7, False, 0x7E, 0x7F, 0x7F), ("E5M2", 5, 2, 15, True, 0x7B, 0x7E, 0x7C)]:
    vals = fp8_values(ebits, mbits, bias, ieee)
    out.append("fp8_decode %s %s" % (name, " ".join(hexf(as_float(vals[c])) for c in range(256))))
    pos = sorted(set(float(vals[c]) for c in range(128) if vals[c] is not None and not isinstance(vals[c], tuple)))
    xs = list(pos)
    for lo, hi in zip(pos, pos[1:]):
        mid = f32((lo + hi) / 2)
        xs += [mid, np.nextafter(mid, np.float32(0)), np.nextafter(mid, np.float32(np.inf))]
    mx = pos[-1]
    top_step = pos[-1] - pos[-2]
    xs += [mx + top_step / 2, np.nextafter(f32(mx + top_step / 2), np.float32(0)),
           np.nextafter(f32(mx + top_step / 2), np.float32(np.inf)), mx * 4, 1e30, pos[1] / 2, pos[1] / 4,
           np.nextafter(f32(pos[1] / 2), np.float32(1)), 1e-30]
    rng = np.random.RandomState(7)
    xs += list((rng.standard_normal(200) * mx / 8).astype(np.float32))
    pairs = []
    for x in xs:
        for sgn in (1, -1):
            v = f32(sgn * f32(x))
            for sat in (False, True):
                c = fp8_encode(v, vals, mbits, maxcode, overcode, sat)
                pairs.append("%s:%d:%02x" % (hexf(v), int(sat), c))
    out.append("fp8_encode %s %s" % (name, " ".join(pairs)))

# ---------------------------------------------------------------- dynamic map (bitsandbytes code, torch arithmetic)
def create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8):
    data = []
    non_sign_bits = total_bits - 1
    for i in range(max_exponent_bits):
        fraction_items = int(2 ** (i + non_sign_bits - max_exponent_bits) + 1 if signed
                             else 2 ** (i + non_sign_bits - max_exponent_bits + 1) + 1)
        boundaries = torch.linspace(0.1, 1, fraction_items, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    data.append(0)
    data.append(1.0)
    data.sort()
    return torch.tensor(data, dtype=torch.float32)

dyn = create_dynamic_map().numpy()
out.append("dynamic_map " + " ".join(hexf(v) for v in dyn))

# ---------------------------------------------------------------- NF4
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], dtype=np.float32)
rng = np.random.RandomState(0)
w = (rng.standard_normal((4, 256)) * 0.05).astype(np.float32)
flat = w.reshape(-1)
flat[64:128] = 0                      # an all-zero block
flat[128:192] = np.float32(-0.3)      # a block of equal (negative) values
flat[192 + 5] = np.float32(-0.9)      # largest magnitude negative
flat[256:256 + 16] = NF4 * np.float32(0.5)   # every level exactly (absmax 0.5 from the level 1.0)
flat[256 + 16:320] = 0
flat[320] = np.float32(2.0)           # absmax 2: midpoints of the levels times 2 (exact in float32)
mids = ((NF4[:-1].astype(np.float64) + NF4[1:]) / 2 * 2).astype(np.float32)
flat[321:321 + 15] = mids
absmax = np.abs(flat.reshape(-1, 64)).max(axis=1).astype(np.float32)
with np.errstate(divide="ignore", invalid="ignore"):
    inv = (np.float32(1) / absmax).astype(np.float32)
    scaled = (flat.reshape(-1, 64) * inv[:, None]).astype(np.float32).reshape(-1)
scaled = np.clip(scaled, -1, 1)
# The C kernel's rule: the number of its 15 literal midpoints (float32) that x exceeds; NaN exceeds none.
# A C float literal is the decimal rounded once to float32; np.float32(python float) rounds twice
# (decimal -> double -> float), which differs for -0.8480964004993439. Round exactly instead.
def c_float_literal(text):
    exact = Fr(text)
    guess = np.float32(float(text))
    cands = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    best = min(cands, key=lambda c: (abs(Fr(float(c)) - exact), int(np.array(c).view(np.int32)) & 1))
    return best
MIDS = np.array([c_float_literal(t) for t in (
    "-0.8480964004993439", "-0.6106329262256622", "-0.4599952697753906", "-0.33967943489551544",
    "-0.23460740596055984", "-0.13791173323988914", "-0.045525018125772476", "0.03979014977812767",
    "0.1202552504837513", "0.2035212516784668", "0.2920137718319893", "0.3893125355243683",
    "0.5016634166240692", "0.6427869200706482", "0.8614784181118011")], dtype=np.float32)
codes = (scaled[:, None] > MIDS[None, :]).sum(axis=1).astype(np.uint8)
# Cross-check: nearest level by distance (the pure-torch backend) agrees except exactly on a midpoint.
d = np.abs(scaled[:, None] - NF4[None, :])
nearest = np.where(np.isnan(scaled), 0, np.argmin(np.nan_to_num(d, nan=np.inf), axis=1))
on_mid = np.isin(scaled, MIDS)
assert (nearest[~on_mid] == codes[~on_mid]).all()
packed = (codes[0::2] << 4) | codes[1::2]
deq = (NF4[codes].reshape(-1, 64) * absmax[:, None]).astype(np.float32).reshape(-1)
out.append("nf4_input " + " ".join(hexf(v) for v in flat))
out.append("nf4_absmax " + " ".join(hexf(v) for v in absmax))
out.append("nf4_packed " + " ".join("%02x" % b for b in packed))
out.append("nf4_dequant " + " ".join(hexf(v) for v in deq))

# ---------------------------------------------------------------- double quantization
a = np.abs(rng.standard_normal(600) * 0.05).astype(np.float32) + np.float32(0.001)
offset = np.float32(np.mean(a.astype(np.float64)))
c = (a - offset).astype(np.float32)
qcodes = np.zeros(600, dtype=np.uint8)
nested = []
for b0 in range(0, 600, 256):
    blk = c[b0:b0 + 256]
    m = np.float32(np.abs(blk).max())
    nested.append(m)
    s = (blk * (np.float32(1) / m)).astype(np.float32)
    qcodes[b0:b0 + 256] = np.argmin(np.abs(s[:, None].astype(np.float64) - dyn[None, :]), axis=1)
nested = np.array(nested, dtype=np.float32)
dec = (dyn[qcodes] * np.repeat(nested, 256)[:600]).astype(np.float32) + offset
out.append("dq_input " + " ".join(hexf(v) for v in a))
out.append("dq_offset " + hexf(offset))
out.append("dq_codes " + " ".join("%02x" % v for v in qcodes))
out.append("dq_nested " + " ".join(hexf(v) for v in nested))
out.append("dq_decoded " + " ".join(hexf(v) for v in dec.astype(np.float32)))
print("\n".join(out))
