"""The .npy files of NpyDatasetTest, written by numpy's own np.save (numpy 1.24).

Run: /usr/bin/python3 npy_dataset_golden.py   (prints each file as hex)
"""
import io

import numpy as np


def npy_hex(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue().hex()


x = np.array([[0.5, -1.0, 2.25], [3.0, 0.1, -0.0], [1e-3, 4.0, 5.5], [-7.0, 8.0, 1e30]], dtype=np.float64)
print("X_F64", npy_hex(x))                                   # 4 x 3 float64
print("Y_I64", npy_hex(np.array([0, 2, 1, 2], dtype=np.int64)))   # 4 int64 labels, 3 classes
print("Y_U8", npy_hex(np.array([1, 0, 1, 0], dtype=np.uint8)))    # 4 uint8 labels, 2 classes
print("Y_F32", npy_hex(np.array([0, 1, 1, 0], dtype=np.float32))) # float labels: refused
print("Y_NEG", npy_hex(np.array([0, -1, 1, 0], dtype=np.int32)))  # a negative label: refused
print("X_I32", npy_hex(np.arange(8, dtype=np.int32).reshape(4, 2)))  # integer features: refused
print("X_F32_FORTRAN", npy_hex(np.asfortranarray(np.arange(12, dtype=np.float32).reshape(4, 3))))
