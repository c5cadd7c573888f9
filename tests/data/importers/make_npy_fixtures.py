#!/usr/bin/python3
"""Writes the .npy fixtures read by tests/tensor_io_test.cc (files written by NumPy itself).

Run from anywhere with /usr/bin/python3 (python3-numpy); the outputs are committed beside this
script so the tests never need Python.
"""
import os

import numpy as np
from numpy.lib import format as npy_format

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, array, version=None):
    with open(os.path.join(HERE, name), "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            npy_format.write_array(f, array, version=version)


write("v1_float32_2x3.npy", np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5)
write("v2_int64_5.npy", np.array([-3, 0, 7, 2**40, -(2**62)], dtype=np.int64), version=(2, 0))
write("v3_float64_scalar.npy", np.array(2.25, dtype=np.float64), version=(3, 0))
write("float16.npy", np.array([1.0, -2.5, 65504.0, 2.0**-24], dtype=np.float16))
write("bool.npy", np.array([[True, False, True], [False, False, True]]))
write("uint8_empty.npy", np.zeros((0, 3), dtype=np.uint8))
write("int8.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
write("fortran_order.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
write("big_endian.npy", np.arange(4, dtype=">f4"))
write("int16.npy", np.arange(4, dtype=np.int16))

# .npz archives: np.savez (stored) and np.savez_compressed (deflated), and one with an entry that
# is not an array.
arrays = {"x": np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5,
          "ids": np.array([3, -1, 7], dtype=np.int64),
          "mask": np.array([[True, False]])}
np.savez(os.path.join(HERE, "arrays.npz"), **arrays)
np.savez_compressed(os.path.join(HERE, "arrays_compressed.npz"), **arrays)
import zipfile  # noqa: E402
with zipfile.ZipFile(os.path.join(HERE, "not_only_arrays.npz"), "w") as z:
    z.writestr("x.npy", open(os.path.join(HERE, "v1_float32_2x3.npy"), "rb").read())
    z.writestr("notes.txt", "not an array")
# The bundled example model's input as an archive (the CLI's .npz input).
np.savez(os.path.join(HERE, "upsampler_input.npz"),
         x=np.load(os.path.join(HERE, "..", "models", "example_upsampler.input.npy")))
