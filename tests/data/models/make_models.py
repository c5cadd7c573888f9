#!/usr/bin/python3
"""Generates the small models bundled with ort-lite's tests and examples.

Regenerate (from the repository root) with Debian's interpreter, which has python3-torch 1.13
and python3-onnx 1.12 (the first `python3` on PATH may be a different one):

    /usr/bin/python3 tests/data/models/make_models.py

The script is deterministic (fixed seeds, eval mode, single-threaded torch) and rewrites every
file below in the folder it lives in. Every file stays well under 200 KB.

Models (only Conv and ConvTranspose: ort-lite implements no activations yet):
  example_upsampler.onnx   opset 13, x: 1x3x16x16 -> 1x3x64x64
      Conv2d(3,16,3,p=1) -> ConvTranspose2d(16,8,4,s=2,p=1)
      -> ConvTranspose2d(8,8,3,s=2,p=1,output_padding=1,groups=2) -> Conv2d(8,3,3,p=2,dilation=2)
  conv1d_opset11.onnx, conv1d_opset13.onnx   x: 1x4x20
      Conv1d(4,6,3,p=1) -> ConvTranspose1d(6,4,3,s=2,p=2,dilation=2,output_padding=1)
  convtranspose3d_opset11.onnx, convtranspose3d_opset13.onnx   x: 1x2x3x4x4
      ConvTranspose3d(2,4,3,s=(1,2,2),p=1,output_padding=(0,1,1))
Each has <name>.input.npy (float32) and <name>.expected.npy (torch's output).

Error-path fixtures for tests/cli_test.sh:
  int64_input.npy          an int64 tensor shaped like example_upsampler's input
  rank3_input.npy          a float32 1x3x16 tensor (rank 3 for a 4-D conv)
  mismatch_expected.npy    example_upsampler's expected output, one element changed by 1.0
"""

import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


class Upsampler(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.up1 = torch.nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.up2 = torch.nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1,
                                            groups=2)
        self.conv_out = torch.nn.Conv2d(8, 3, 3, padding=2, dilation=2)

    def forward(self, x):
        return self.conv_out(self.up2(self.up1(self.conv_in(x))))


class Net1d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(4, 6, 3, padding=1)
        self.up = torch.nn.ConvTranspose1d(6, 4, 3, stride=2, padding=2, dilation=2,
                                           output_padding=1)

    def forward(self, x):
        return self.up(self.conv(x))


class Net3d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.up = torch.nn.ConvTranspose3d(2, 4, 3, stride=(1, 2, 2), padding=1,
                                           output_padding=(0, 1, 1))

    def forward(self, x):
        return self.up(x)


def export(model, x, name, opset):
    model.eval()
    with torch.no_grad():
        expected = model(x)
    torch.onnx.export(model, x, path(name + ".onnx"), opset_version=opset,
                      input_names=["x"], output_names=["y"], do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path(name + ".onnx")))
    np.save(path(name + ".input.npy"), x.numpy().astype(np.float32))
    np.save(path(name + ".expected.npy"), expected.numpy().astype(np.float32))
    return expected.numpy()


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    np.random.seed(0)

    x = torch.randn(1, 3, 16, 16)
    expected = export(Upsampler(), x, "example_upsampler", 13)

    torch.manual_seed(1)
    net1d = Net1d()
    x1 = torch.randn(1, 4, 20)
    for opset in (11, 13):
        export(net1d, x1, f"conv1d_opset{opset}", opset)

    torch.manual_seed(2)
    net3d = Net3d()
    x3 = torch.randn(1, 2, 3, 4, 4)
    for opset in (11, 13):
        export(net3d, x3, f"convtranspose3d_opset{opset}", opset)

    np.save(path("int64_input.npy"), np.arange(3 * 16 * 16, dtype=np.int64).reshape(1, 3, 16, 16))
    np.save(path("rank3_input.npy"), np.ones((1, 3, 16), dtype=np.float32))
    mismatch = expected.astype(np.float32).copy()
    mismatch[0, 1, 10, 20] += 1.0
    np.save(path("mismatch_expected.npy"), mismatch)


if __name__ == "__main__":
    main()
