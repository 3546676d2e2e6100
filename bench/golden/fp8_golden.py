"""Golden values for the FP8 formats of the quantize command (Fp8SafetensorsTest reads fp8_golden.out).

Run: /usr/bin/python3 bench/golden/fp8_golden.py > descent-core/src/test/resources/golden/fp8_golden.out
(numpy 1.24; torch 1.13 has no float8 dtypes, so nothing here calls torch).

Computed with integer operations on the float32 bit patterns (numpy uint32), a route independent of
Fp8.java (which rounds with Math.rint on doubles) and of quant_golden.py (exact Fraction enumeration):
- decode: each code's sign, exponent and mantissa fields assembled into float32 bits (subnormals as
  m * 2^(1 - bias - mbits), a power-of-two product, exact in float32);
- encode: the float32 significand shifted right with round-to-nearest-even on the integer (the
  dropped bits compared with the halfway point, ties to the even kept bit), subnormal targets shifted
  further; saturating as torchao's to_fp8_saturated (clamp to +-max, then cast): anything beyond the
  largest finite value, infinities included, becomes +-max; NaN becomes the NaN code (E4M3 S.1111.111,
  E5M2 S.11111.10); without saturation, overflow is NaN (E4M3) or inf (E5M2), torch's plain cast;
- blocks of 32 consecutive elements of a row-major [4, 64] weight: d = float32(absmax) / float32(max)
  in float32, code = encode_saturating(float32(x / d)) (x itself when d = 0), decoded float32(value(code) * d).
  Block 0 holds +-max and exact ties of the grid at d = 1; block 1 is zeros (one -0); the rest are
  Gaussian * 0.05 from RandomState(11).
"""
import struct
import numpy as np

u32 = np.uint32


def hexf(v):
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0]


def bits_to_f32(b):
    return np.array([b], dtype=u32).view(np.float32)[0]


FORMATS = [  # name, exponent bits, mantissa bits, bias, has infinity, max code, NaN code, overflow code (not saturating)
    ("E4M3", 4, 3, 7, False, 0x7E, 0x7F, 0x7F),
    ("E5M2", 5, 2, 15, True, 0x7B, 0x7E, 0x7C),
]


def decode(code, eb, mb, bias, inf):
    sign = (code >> 7) & 1
    e = (code >> mb) & ((1 << eb) - 1)
    m = code & ((1 << mb) - 1)
    top = (1 << eb) - 1
    if inf and e == top:
        mag = 0x7F800000 if m == 0 else 0x7FC00000
    elif not inf and e == top and m == (1 << mb) - 1:
        mag = 0x7FC00000
    elif e == 0:
        v = np.float32(m) * bits_to_f32((127 + 1 - bias - mb) << 23)  # m * 2^(1-bias-mb): exact
        mag = int(np.array([v], dtype=np.float32).view(u32)[0])
    else:
        mag = ((e - bias + 127) << 23) | (m << (23 - mb))
    return bits_to_f32((sign << 31) | mag)


def rne_shift(sig, shift):
    """sig >> shift rounded to nearest, ties to even (integers)."""
    if shift <= 0:
        return sig << (-shift)
    if shift > 40:
        return 0
    kept = sig >> shift
    dropped = sig & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if dropped > half or (dropped == half and (kept & 1)):
        kept += 1
    return kept


def encode(x, eb, mb, bias, maxcode, nancode, overcode, saturate):
    b = int(np.array([x], dtype=np.float32).view(u32)[0])
    sign = 0x80 if b >> 31 else 0
    a = b & 0x7FFFFFFF
    if a > 0x7F800000:
        return sign | nancode
    if a == 0x7F800000:
        return sign | (maxcode if saturate else overcode)
    fe = a >> 23
    if fe == 0:
        return sign  # float32 subnormals are far below half the smallest FP8 subnormal
    sig = (1 << 23) | (a & 0x7FFFFF)  # value = sig * 2^(fe - 127 - 23)
    e = fe - 127
    emin = 1 - bias
    if e >= emin:
        r = rne_shift(sig, 23 - mb)  # 1.m with mb bits, maybe carried to 2.0
        if r >> (mb + 1):
            r >>= 1
            e += 1
        mag = ((e + bias) << mb) | (r & ((1 << mb) - 1))
    else:
        mag = rne_shift(sig, 23 - mb + (emin - e))  # subnormal mantissa; 1 << mb is the smallest normal
    if mag > maxcode:
        return sign | (maxcode if saturate else overcode)
    return sign | mag


def weight(fmt_max):
    rng = np.random.RandomState(11)
    x = (rng.standard_normal(4 * 64) * 0.05).astype(np.float32)
    ties = [fmt_max, -fmt_max, 1.0625, 1.1875, -1.0625, 3.0 * 2 ** -10, 2 ** -10, 2 ** -18, 3.0 * 2 ** -18, 0.3, -2.5e-3, 17.0,
            18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 100.0, 104.0, 112.0, -120.0, 0.1, 0.2, 1.25, 1.375, 5.5, 6.5, 9.0, 11.0, 13.0, -15.0]
    x[0:32] = np.array(ties, dtype=np.float32)
    x[32:64] = 0
    x[33] = -0.0
    return x


out = []
for name, eb, mb, bias, inf, maxcode, nancode, overcode in FORMATS:
    values = [decode(c, eb, mb, bias, inf) for c in range(256)]
    out.append("decode %s %s" % (name, " ".join(hexf(v) for v in values)))
    mx = values[maxcode]
    # encode cases: every finite value, the midpoints between neighbours and their float32 neighbours, overflow, NaN, inf
    pos = sorted(set(float(v) for v in values[:128] if np.isfinite(v)))
    xs = [np.float32(p) for p in pos]
    for lo, hi in zip(pos, pos[1:]):
        mid = np.float32((lo + hi) / 2)
        xs += [mid, np.nextafter(mid, np.float32(0)), np.nextafter(mid, np.float32(np.inf))]
    step = pos[-1] - pos[-2]
    xs += [np.float32(mx + step / 2), np.nextafter(np.float32(mx + step / 2), np.float32(0)), np.float32(mx * 4), np.float32(1e30),
           np.float32(np.inf), np.float32(np.nan), np.float32(1e-30), np.float32(1e-40)]
    pairs = []
    for x in xs:
        for sgn in (1, -1):
            v = np.float32(sgn) * np.float32(x)
            for sat in (0, 1):
                pairs.append("%s:%d:%02x" % (hexf(v), sat, encode(v, eb, mb, bias, maxcode, nancode, overcode, sat == 1)))
    out.append("encode %s %s" % (name, " ".join(pairs)))
    # a [4, 64] weight in blocks of 32
    x = weight(mx)
    codes, scales, decoded = [], [], []
    for blk in range(len(x) // 32):
        xb = x[blk * 32:(blk + 1) * 32]
        absmax = np.float32(np.max(np.abs(xb)))
        d = np.float32(absmax / np.float32(mx))
        scales.append(d)
        for v in xb:
            c = encode(np.float32(v / d) if d != 0 else v, eb, mb, bias, maxcode, nancode, overcode, True)
            codes.append(c)
            decoded.append(np.float32(values[c] * d))
    out.append("weight %s %s" % (name, " ".join(hexf(v) for v in x)))
    out.append("codes %s %s" % (name, " ".join("%02x" % c for c in codes)))
    out.append("scales %s %s" % (name, " ".join(hexf(v) for v in scales)))
    out.append("decoded %s %s" % (name, " ".join(hexf(v) for v in decoded)))
print("\n".join(out))
