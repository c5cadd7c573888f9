#!/usr/bin/python3
"""Exports torchvision architectures to ONNX for whole-model benchmarks (random weights; nothing
is downloaded). The files are large, so they are made on demand, not committed:

  /usr/bin/python3 tools/ort-lite-bench/make_models.py [--out build/bench-models] [NAME...]

Each NAME.onnx gets NAME.input.npy beside it (a seeded random input at the model's usual size),
the naming ../shared/perf/vs_ort.py and `ort-lite-bench MODEL.onnx INPUT.npy` take, and
NAME.expected.npy, PyTorch's output (`ort-lite NAME.onnx NAME.input.npy --compare
NAME.expected.npy --rtol 1e-3 --atol 1e-4` checks a whole architecture). Needs
Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torchvision.models as tvm
import torchvision.models.segmentation as seg
import torchvision.models.video as video

MODELS = {
    "resnet18": (lambda: tvm.resnet18(), (1, 3, 224, 224)),
    "resnet50": (lambda: tvm.resnet50(), (1, 3, 224, 224)),
    "mobilenet_v2": (lambda: tvm.mobilenet_v2(), (1, 3, 224, 224)),
    "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small(), (1, 3, 224, 224)),
    "efficientnet_b0": (lambda: tvm.efficientnet_b0(), (1, 3, 224, 224)),
    "squeezenet1_1": (lambda: tvm.squeezenet1_1(), (1, 3, 224, 224)),
    "densenet121": (lambda: tvm.densenet121(), (1, 3, 224, 224)),
    "googlenet": (lambda: tvm.googlenet(aux_logits=False, init_weights=True), (1, 3, 224, 224)),
    "shufflenet_v2_x1_0": (lambda: tvm.shufflenet_v2_x1_0(), (1, 3, 224, 224)),
    "regnet_y_400mf": (lambda: tvm.regnet_y_400mf(), (1, 3, 224, 224)),
    "mnasnet1_0": (lambda: tvm.mnasnet1_0(), (1, 3, 224, 224)),
    "convnext_tiny": (lambda: tvm.convnext_tiny(), (1, 3, 224, 224)),
    "deeplabv3_mobilenet_v3_large": (
        lambda: seg.deeplabv3_mobilenet_v3_large(weights_backbone=None, aux_loss=False),
        (1, 3, 520, 520)),
    "lraspp_mobilenet_v3_large": (
        lambda: seg.lraspp_mobilenet_v3_large(weights_backbone=None), (1, 3, 520, 520)),
    "fcn_resnet50": (lambda: seg.fcn_resnet50(weights_backbone=None, aux_loss=False),
                     (1, 3, 520, 520)),
    "r3d_18": (lambda: video.r3d_18(), (1, 3, 16, 112, 112)),
}


class OutputOnly(torch.nn.Module):
    """Segmentation models return a dict; export its 'out' tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        y = self.model(x)
        return y["out"] if isinstance(y, dict) else y


def export(name, out_dir):
    make, shape = MODELS[name]
    torch.manual_seed(0)
    model = OutputOnly(make()).eval()
    x = torch.from_numpy(np.random.default_rng(7).standard_normal(shape, dtype=np.float32))
    path = os.path.join(out_dir, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=17, input_names=["x"],
                          output_names=["y"], do_constant_folding=True)
        expected = model(x)
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
    np.save(os.path.join(out_dir, name + ".expected.npy"), expected.numpy())
    print(f"{path}: input {list(shape)}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/bench-models")
    ap.add_argument("names", nargs="*", help=f"default: all of {', '.join(MODELS)}")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.names or MODELS:
        if name not in MODELS:
            sys.exit(f"unknown model '{name}' (known: {', '.join(MODELS)})")
        export(name, a.out)


if __name__ == "__main__":
    main()
