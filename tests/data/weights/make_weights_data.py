#!/usr/bin/env python3
"""Data for ort-lite-weights' tests and the README's worked example (run with Debian's python3:
/usr/bin/python3 tests/data/weights/make_weights_data.py; needs python3-torch, python3-onnx).

A PyTorch ConvTranspose2d(4, 3, kernel_size=3, stride=2) stands for the source model; the target
is a Keras Conv2DTranspose(3, 3, strides=2, padding='same') as tf2onnx writes it: NHWC in and
out, a Transpose on each side of an ONNX ConvTranspose with auto_pad SAME_UPPER (TF's 'same'
crops the odd cell at the end), its weight an initializer in ONNX layout, here all zeros until
ort-lite-weights grafts the PyTorch weights in.

Files (all small, committed):
  torch_deconv.weight.npy   (4, 3, 3, 3) PyTorch layout (in, out, kh, kw)
  torch_deconv.bias.npy     (3,)
  input_nhwc.npy            (1, 5, 5, 4) the input, NHWC as the Keras graph takes it
  torch_p0.expected.npy     (1, 3, 11, 11) PyTorch padding=0 output (NCHW): 2H + 1
  keras_same.expected_nhwc.npy  (1, 10, 10, 3) what the Keras layer computes: the PyTorch
                            padding=0 output without its last row and column (TF 'same'),
                            transposed to NHWC
  keras_deconv_same.onnx    the Keras-layout graph, zero weights
  conv_same_upper.onnx      one ConvTranspose with SAME_UPPER and output_shape, for `explain`
"""
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(array, dtype=np.float32))


def main():
    torch.manual_seed(7)
    layer = torch.nn.ConvTranspose2d(4, 3, kernel_size=3, stride=2, padding=0)
    x = torch.randn(1, 4, 5, 5)
    with torch.no_grad():
        y_p0 = layer(x)  # (1, 3, 11, 11)
    weight = layer.weight.detach().numpy()
    bias = layer.bias.detach().numpy()
    save("torch_deconv.weight.npy", weight)
    save("torch_deconv.bias.npy", bias)
    save("input_nhwc.npy", x.numpy().transpose(0, 2, 3, 1))
    save("torch_p0.expected.npy", y_p0.numpy())
    save("keras_same.expected_nhwc.npy", y_p0.numpy()[:, :, :10, :10].transpose(0, 2, 3, 1))

    nodes = [
        helper.make_node("Transpose", ["input_nhwc"], ["x_nchw"], perm=[0, 3, 1, 2],
                         name="to_nchw"),
        helper.make_node("ConvTranspose", ["x_nchw", "deconv.kernel", "deconv.bias"], ["y_nchw"],
                         name="deconv", kernel_shape=[3, 3], strides=[2, 2],
                         auto_pad="SAME_UPPER"),
        helper.make_node("Transpose", ["y_nchw"], ["output_nhwc"], perm=[0, 2, 3, 1],
                         name="to_nhwc"),
    ]
    graph = helper.make_graph(
        nodes, "keras_conv2d_transpose_same",
        [helper.make_tensor_value_info("input_nhwc", TensorProto.FLOAT, [1, 5, 5, 4])],
        [helper.make_tensor_value_info("output_nhwc", TensorProto.FLOAT, [1, 10, 10, 3])],
        [numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "deconv.kernel"),
         numpy_helper.from_array(np.zeros((3,), np.float32), "deconv.bias")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="tf2onnx-style test graph")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "keras_deconv_same.onnx"))

    # SAME_UPPER with output_shape: the odd cell of the total padding goes at the end.
    w = np.random.default_rng(3).standard_normal((2, 2, 3, 3)).astype(np.float32)
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up", strides=[2, 2],
                            auto_pad="SAME_UPPER", output_shape=[10, 10])
    graph = helper.make_graph(
        [node], "same_upper_deconv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 10, 10])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "conv_same_upper.onnx"))


if __name__ == "__main__":
    main()
