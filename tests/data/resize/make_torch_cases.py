#!/usr/bin/python3
"""Writes the torch-made Resize cases that tests/resize_ops_test.cc runs (no Python at test time).

For each case: <name>.onnx (one Resize node; torch.onnx.export output, or built by hand where
torch 1.13 cannot export the mode), <name>.x.npy (input) and <name>.y.npy (what
torch.nn.functional.interpolate returns), and a line in cases.txt.

torch exports `size=` as a Shape->Slice->Concat subgraph; this script replaces it with the
constant it evaluates to, so each model holds Resize alone and the test needs no other op.
nearest-exact cannot be exported by torch 1.13; it is written by hand as half_pixel with
round_prefer_ceil, which is floor((x + 0.5) * in / out), torch's definition. antialias (opset 18)
is written by hand too: torch's antialias=True is ONNX antialias=1 with exclude_outside=1 (torch
drops filter taps beyond the border where ONNX repeats the edge) and, for bicubic,
cubic_coeff_a=-0.5.

Run: /usr/bin/python3 tests/data/resize/make_torch_cases.py  (from anywhere)
"""
import io
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))


class Interpolate(torch.nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs

    def forward(self, x):
        return F.interpolate(x, **self.kwargs)


def only_resize(model, out_shape):
    """The exported graph reduced to its Resize node, every other input made an initializer."""
    graph = model.graph
    constants = {}
    for node in graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    resize = next(n for n in graph.node if n.op_type == "Resize")
    initializers = []
    names = list(resize.input)
    for i, name in enumerate(names[1:], start=1):
        if not name:
            continue
        if name in constants:
            value = constants[name]
        elif i == 3:  # sizes computed from Shape(x): fold to the output shape
            value = np.array(out_shape, dtype=np.int64)
        else:
            raise RuntimeError(f"input {i} ({name}) of the exported Resize is not a constant")
        initializers.append(numpy_helper.from_array(value, name=name))
    node = helper.make_node("Resize", names, ["y"], **{
        a.name: helper.get_attribute_value(a) for a in resize.attribute})
    return node, initializers


def make_model(node, initializers, x, y, opset):
    graph = helper.make_graph(
        [node], "resize",
        [helper.make_tensor_value_info(node.input[0], TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape))],
        initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             producer_name="make_torch_cases.py")


def exported(kwargs, x, y, opset):
    buffer = io.BytesIO()
    torch.onnx.export(Interpolate(**kwargs), torch.from_numpy(x), buffer, opset_version=opset,
                      input_names=["x"], output_names=["y"])
    node, initializers = only_resize(onnx.load_from_string(buffer.getvalue()), y.shape)
    return make_model(node, initializers, x, y, opset)


def by_hand(x, y, opset, **attributes):
    sizes = numpy_helper.from_array(np.array(y.shape, dtype=np.int64), name="sizes")
    node = helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], **attributes)
    return make_model(node, [sizes], x, y, opset)


# (name, input shape, interpolate kwargs, opsets, hand-built attributes or None)
CASES = [
    ("nearest_scale2", (1, 2, 5, 7), dict(scale_factor=2, mode="nearest"), (11, 13), None),
    ("nearest_size", (1, 2, 5, 7), dict(size=(9, 13), mode="nearest"), (11, 13), None),
    ("nearest_down", (1, 2, 9, 13), dict(size=(4, 5), mode="nearest"), (13,), None),
    ("nearest_1d", (2, 3, 7), dict(size=11, mode="nearest"), (13,), None),
    ("nearest_3d", (1, 2, 3, 4, 5), dict(scale_factor=2, mode="nearest"), (13,), None),
    ("nearest_exact_size", (1, 2, 5, 7), dict(size=(9, 13), mode="nearest-exact"), (13,),
     dict(mode="nearest", coordinate_transformation_mode="half_pixel",
          nearest_mode="round_prefer_ceil")),
    ("nearest_exact_down", (1, 2, 9, 13), dict(size=(4, 5), mode="nearest-exact"), (13,),
     dict(mode="nearest", coordinate_transformation_mode="half_pixel",
          nearest_mode="round_prefer_ceil")),
    ("bilinear_scale2", (1, 2, 5, 7), dict(scale_factor=2, mode="bilinear",
                                           align_corners=False), (11, 13), None),
    ("bilinear_size", (1, 2, 5, 7), dict(size=(9, 13), mode="bilinear", align_corners=False),
     (11, 13), None),
    ("bilinear_down", (1, 2, 9, 13), dict(size=(4, 5), mode="bilinear", align_corners=False),
     (13,), None),
    ("bilinear_align_corners_scale2", (1, 2, 5, 7), dict(scale_factor=2, mode="bilinear",
                                                         align_corners=True), (11, 13), None),
    ("bilinear_align_corners_size", (1, 2, 5, 7), dict(size=(9, 13), mode="bilinear",
                                                       align_corners=True), (13,), None),
    ("bicubic_scale2", (1, 2, 5, 7), dict(scale_factor=2, mode="bicubic", align_corners=False),
     (11, 13), None),
    ("bicubic_down", (1, 2, 9, 13), dict(size=(4, 5), mode="bicubic", align_corners=False),
     (13,), None),
    ("bicubic_align_corners_size", (1, 2, 5, 7), dict(size=(9, 13), mode="bicubic",
                                                      align_corners=True), (11, 13), None),
    ("linear_1d", (2, 3, 7), dict(scale_factor=2, mode="linear", align_corners=False), (13,),
     None),
    ("trilinear_scale2", (1, 2, 3, 4, 5), dict(scale_factor=2, mode="trilinear",
                                               align_corners=False), (11, 13), None),
    ("trilinear_align_corners_size", (1, 2, 3, 4, 5), dict(size=(5, 6, 7), mode="trilinear",
                                                           align_corners=True), (13,), None),
    ("bilinear_antialias_down", (1, 2, 16, 20), dict(size=(5, 7), mode="bilinear",
                                                     align_corners=False, antialias=True), (18,),
     dict(mode="linear", coordinate_transformation_mode="half_pixel", antialias=1,
          exclude_outside=1)),
    ("bicubic_antialias_down", (1, 2, 16, 20), dict(size=(5, 7), mode="bicubic",
                                                    align_corners=False, antialias=True), (18,),
     dict(mode="cubic", coordinate_transformation_mode="half_pixel", antialias=1,
          cubic_coeff_a=-0.5, exclude_outside=1)),
]


def main():
    rng = np.random.default_rng(20240611)
    lines = [f"# Generated by make_torch_cases.py (PyTorch {torch.__version__}); do not edit.",
             "# name  torch.nn.functional.interpolate arguments"]
    for name, shape, kwargs, opsets, attributes in CASES:
        x = rng.uniform(-1, 1, size=shape).astype(np.float32)
        y = F.interpolate(torch.from_numpy(x), **kwargs).numpy()
        for opset in opsets:
            case = f"{name}_opset{opset}"
            if attributes is None:
                model = exported(kwargs, x, y, opset)
            else:
                model = by_hand(x, y, opset, **attributes)
            onnx.save(model, os.path.join(HERE, case + ".onnx"))
            np.save(os.path.join(HERE, case + ".x.npy"), x)
            np.save(os.path.join(HERE, case + ".y.npy"), y)
            arguments = " ".join(f"{k}={v}" for k, v in kwargs.items())
            lines.append(f"{case} {arguments}")
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
