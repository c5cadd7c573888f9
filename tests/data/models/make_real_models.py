#!/usr/bin/python3
"""Generates the real-model test set run by tests/models_test.cc.

Regenerate (from the repository root) with Debian's interpreter, which has python3-torch 1.13
and python3-onnx 1.12 (the first `python3` on PATH may be a different one):

    /usr/bin/python3 tests/data/models/make_real_models.py

The script is deterministic (fixed seeds, eval mode, single-threaded torch) and rewrites the
files of the models below in the folder it lives in. The build and the tests never run it: its
outputs are committed. Weights are PyTorch's default random initialization; every BatchNorm
gets random running statistics and affine parameters (so BN is never the identity), every
PReLU random slopes. Expected outputs come from PyTorch in float32. Each
Conv/ConvTranspose/Linear is then rescaled so that its output has unit standard deviation on
the test input (see calibrate()), so signals stay O(1) through every net and the tolerance
means something.

Files per model: <name>.onnx, <name>.input.npy (or .input0.npy, .input1.npy... for several
inputs) and <name>.expected.npy (or .expected0.npy... for several outputs). A model exported
with dynamic axes has one input/expected set per size instead, tagged: <name>.<tag>.input.npy,
<name>.<tag>.expected.npy. Every .npy is float32 except fp16_upsampler.input.npy (float16).

Models (opset in brackets; what each covers):
  dcgan_generator [9]       z 2x100x1x1 -> 2x3x64x64. ConvTranspose k4 s1 p0 -> BN -> ReLU,
                            3 x (ConvTranspose k4 s2 p1 -> BN -> ReLU), ConvTranspose k4 s2 p1
                            to 3 channels -> Tanh. Widths 64/32/16/8.
  unet [11]                 1x3x64x64 -> 1x2x64x64. Conv+BN+ReLU encoder (BatchNormalization
                            nodes kept), MaxPool 2x2, ConvTranspose k2 s2 up-convs, skip
                            connections (Concat), 1x1 Conv.
  unet_bilinear [13]        the same U-Net with F.interpolate(bilinear, align_corners=False)
                            + 1x1 Conv instead of the up-convs (Resize linear, half_pixel);
                            exported as usual, so torch folds each BN into its Conv.
  espcn [12]                1x1x16x16 -> 1x1x48x48. Conv+Tanh x2, Conv, PixelShuffle(3)
                            (DepthToSpace, CRD mode).
  espcn_opset9 [9]          the same net: PixelShuffle exported as Reshape-Transpose-Reshape.
  fsrcnn [10]               1x1x12x12 -> 1x1x36x36. Conv+PReLU feature extraction, 1x1 shrink,
                            2 x 3x3 map, 1x1 expand (each + PReLU), ConvTranspose k9 s3 p4
                            output_padding 2.
  conv1d_autoencoder [14]   1x1x256 audio. Conv1d strided + LeakyReLU x2, ConvTranspose1d
                            (s2, dilation 2, output_padding 1) + LeakyReLU, ConvTranspose1d
                            (s4, output_padding 3), Tanh.
  decoder3d [15]            1x8x2x4x4 -> 1x1x4x16x16. ConvTranspose3d s(1,2,2) output_padding
                            (0,1,1) -> InstanceNorm3d -> ReLU -> ConvTranspose3d s2 ->
                            BatchNorm3d -> ReLU -> Conv3d -> Sigmoid.
  vae_decoder [16]          z 2x16 -> 2x1x32x32. Linear (Gemm) -> ReLU -> view (Reshape) ->
                            3 x ConvTranspose k4 s2 p1 (+ReLU) -> Sigmoid.
  resnet_block [13]         2x3x32x32 -> 2x10. Stem Conv+BN+ReLU (BatchNormalization nodes
                            kept), a basic residual block (Add),
                            a strided block with a 1x1 Conv shortcut, GlobalAveragePool,
                            Flatten, Gemm, Softmax.
  shufflenet_unit [11]      2x16x16x16 -> 2x10. ShuffleNetV2 units: chunk (exported as Shape,
                            Gather, Div, Mul, Slice), 1x1 Conv,
                            depthwise 3x3 Conv, BN, ReLU, Concat, channel shuffle
                            (Reshape-Transpose-Reshape), a stride-2 unit, GlobalAveragePool,
                            Flatten, Gemm, LogSoftmax.
  gelu_block [14]           1x8x16x16. Conv -> GELU (exported as Div/Erf/Add/Mul) -> Conv ->
                            HardSwish -> squeeze-excite (ReduceMean, Conv, ReLU6 = Clip,
                            Conv, Sigmoid, Mul) -> Conv -> SiLU (Sigmoid*Mul) -> ELU ->
                            Softplus -> x*x + sqrt(|x|) (Mul, Abs, Sqrt, Add) -> Sub, Div.
  dynamic_batch [13]        x Nx3x16x16 (N dynamic) -> y Nx3x16x16 and logits Nx5: Conv s2 ->
                            ReLU -> ConvTranspose s2 -> Sigmoid -> + x (Add); a head
                            GlobalAveragePool -> Flatten -> Gemm. Sets b1 and b3.
  dynamic_hw [17]           the same net with N, H and W dynamic; sets b1_16x16 and b2_24x20.
  keras_nhwc [13]           built with onnx.helper as tf2onnx lays out a Keras model (no
                            TensorFlow here): x 1x10x7x3 NHWC -> Transpose(0,3,1,2) ->
                            Conv(auto_pad SAME_UPPER, stride 2) -> Relu -> ConvTranspose(auto_pad
                            SAME_UPPER, stride 2) -> Transpose(0,2,3,1) -> 1x10x8x4 NHWC.
                            The weights are drawn in Keras layout (kh, kw, in, out) for Conv2D and
                            (kh, kw, out, in) for Conv2DTranspose (saved as
                            keras_nhwc.conv_kernel_keras.npy, keras_nhwc.deconv_kernel_keras.npy)
                            and converted to ONNX layout. The expected output is computed with
                            plain numpy loops from the definitions (SAME_UPPER: the odd pad at the
                            end; ConvTranspose SAME: out = in * stride), checked against torch.
  fp16_upsampler [13]       the float32 export of a Conv/ConvTranspose/BN/ReLU net converted to
                            float16 throughout (input, initializers, output). ort-lite computes
                            it in float32; the expected output is the float32 torch model run
                            on the float16-rounded input and weights (compare with a float16
                            tolerance: the output is rounded to float16).
  unsupported_many.onnx     Conv -> LSTM 'lstm0' -> ... NonMaxSuppression 'nms0': for the
                            single load-time error listing every unsupported node.
"""

import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def randomize_norms(model, seed):
    """Random BN running stats and affine params, random PReLU slopes (so none is identity)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.2)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.0 + 0.5)
                m.weight.copy_(torch.rand(n, generator=g) * 1.0 + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.2)
            elif isinstance(m, (nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d)):
                if m.affine:
                    m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                    m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.2)
            elif isinstance(m, nn.PReLU):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) * 0.4 + 0.05)
    return model


def calibrate(model, inputs, passes=2):
    """Rescales every Conv, ConvTranspose and Linear so that its output has unit standard
    deviation on `inputs` (data-dependent init, as LSUV). PyTorch's default init shrinks the
    signal at every layer; without this, deep nets here end with outputs of std ~0.01, against
    which a tolerance of 1e-4 would hide real errors."""
    layers = [m for m in model.modules() if isinstance(
        m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
            nn.ConvTranspose3d, nn.Linear))]
    model.eval()
    for _ in range(passes):
        for layer in layers:
            seen = []
            hook = layer.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
            with torch.no_grad():
                model(*inputs)
                std = torch.cat([o.flatten() for o in seen]).std().item()
                layer.weight.mul_(1.0 / std)
                if layer.bias is not None:
                    layer.bias.mul_(1.0 / std)
            hook.remove()
    return model


def save(name, arrays, kind):
    """Saves one array as <name>.<kind>.npy, several as <name>.<kind>0.npy, ..."""
    if len(arrays) == 1:
        np.save(path(f"{name}.{kind}.npy"), np.ascontiguousarray(arrays[0], dtype=np.float32))
    else:
        for i, a in enumerate(arrays):
            np.save(path(f"{name}.{kind}{i}.npy"), np.ascontiguousarray(a, dtype=np.float32))


def run_torch(model, inputs):
    with torch.no_grad():
        out = model(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def export(model, inputs, name, opset, input_names=None, output_names=None, dynamic_axes=None,
           keep_bn=False):
    """Exports with torch.onnx.export and saves the inputs and torch's outputs. torch folds a
    BatchNorm that follows a Conv into the Conv's weights in eval mode; keep_bn exports with
    TrainingMode.PRESERVE (the model still in eval mode) so BatchNormalization nodes remain."""
    calibrate(model, inputs)
    input_names = input_names or (["x"] if len(inputs) == 1 else
                                  [f"x{i}" for i in range(len(inputs))])
    expected = run_torch(model, inputs)
    output_names = output_names or (["y"] if len(expected) == 1 else
                                    [f"y{i}" for i in range(len(expected))])
    torch.onnx.export(model, tuple(inputs), path(name + ".onnx"), opset_version=opset,
                      input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, do_constant_folding=True,
                      training=(torch.onnx.TrainingMode.PRESERVE if keep_bn else
                                torch.onnx.TrainingMode.EVAL))
    onnx.checker.check_model(onnx.load(path(name + ".onnx")))
    if dynamic_axes is None:
        save(name, [t.numpy() for t in inputs], "input")
        save(name, [t.numpy() for t in expected], "expected")
    return expected


# --- the models ------------------------------------------------------------------------------

class DcganGenerator(nn.Module):
    def __init__(self, nz=100, ngf=8):
        super().__init__()
        layers = [nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8),
                  nn.ReLU(True)]
        for c in (ngf * 8, ngf * 4, ngf * 2):
            layers += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2),
                       nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z):
        return self.main(z)


def conv_bn_relu(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, bilinear=False):
        super().__init__()
        self.bilinear = bilinear
        self.enc1 = nn.Sequential(conv_bn_relu(3, 8), conv_bn_relu(8, 8))
        self.enc2 = nn.Sequential(conv_bn_relu(8, 16), conv_bn_relu(16, 16))
        self.mid = nn.Sequential(conv_bn_relu(16, 32), conv_bn_relu(32, 32))
        if bilinear:
            self.up2 = nn.Conv2d(32, 16, 1)
            self.up1 = nn.Conv2d(16, 8, 1)
        else:
            self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
            self.up1 = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec2 = conv_bn_relu(32, 16)
        self.dec1 = conv_bn_relu(16, 8)
        self.out = nn.Conv2d(8, 2, 1)

    def upsample(self, conv, x):
        if self.bilinear:
            return conv(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
        return conv(x)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        m = self.mid(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.upsample(self.up2, m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.upsample(self.up1, d2), e1], dim=1))
        return self.out(d1)


class Espcn(nn.Module):
    def __init__(self, r=3):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 5, padding=2)
        self.c2 = nn.Conv2d(16, 8, 3, padding=1)
        self.c3 = nn.Conv2d(8, r * r, 3, padding=1)
        self.shuffle = nn.PixelShuffle(r)

    def forward(self, x):
        return self.shuffle(self.c3(torch.tanh(self.c2(torch.tanh(self.c1(x))))))


class Fsrcnn(nn.Module):
    def __init__(self, d=16, s=8, m=2):
        super().__init__()
        self.feature = nn.Sequential(nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d))
        layers = [nn.Conv2d(d, s, 1), nn.PReLU(s)]
        for _ in range(m):
            layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
        layers += [nn.Conv2d(s, d, 1), nn.PReLU(d)]
        self.body = nn.Sequential(*layers)
        self.deconv = nn.ConvTranspose2d(d, 1, 9, stride=3, padding=4, output_padding=2)

    def forward(self, x):
        return self.deconv(self.body(self.feature(x)))


class Conv1dAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(1, 8, 9, stride=4, padding=4), nn.LeakyReLU(0.2),
                                 nn.Conv1d(8, 16, 5, stride=2, padding=2), nn.LeakyReLU(0.2))
        self.dec = nn.Sequential(
            nn.ConvTranspose1d(16, 8, 5, stride=2, padding=4, output_padding=1, dilation=2),
            nn.LeakyReLU(0.1),
            nn.ConvTranspose1d(8, 1, 9, stride=4, padding=4, output_padding=3), nn.Tanh())

    def forward(self, x):
        return self.dec(self.enc(x))


class Decoder3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose3d(8, 8, 3, stride=(1, 2, 2), padding=1,
                                      output_padding=(0, 1, 1))
        self.norm1 = nn.InstanceNorm3d(8, affine=True)
        self.up2 = nn.ConvTranspose3d(8, 4, 4, stride=2, padding=1)
        self.norm2 = nn.BatchNorm3d(4)
        self.out = nn.Conv3d(4, 1, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.norm1(self.up1(x)))
        x = F.relu(self.norm2(self.up2(x)))
        return torch.sigmoid(self.out(x))


class VaeDecoder(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.fc = nn.Linear(latent, 32 * 4 * 4)
        self.up = nn.Sequential(nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(),
                                nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.ReLU(),
                                nn.ConvTranspose2d(8, 1, 4, 2, 1))

    def forward(self, z):
        h = F.relu(self.fc(z)).view(-1, 32, 4, 4)
        return torch.sigmoid(self.up(h))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNetBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn_relu(3, 16)
        self.block1 = BasicBlock(16, 16, 1)
        self.block2 = BasicBlock(16, 32, 2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.block2(self.block1(self.stem(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return F.softmax(self.fc(x), dim=1)


def channel_shuffle(x, groups):
    n, c, h, w = x.shape
    x = x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(n, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        branch = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin),
                nn.Conv2d(cin, branch, 1, bias=False), nn.BatchNorm2d(branch), nn.ReLU())
        b2_in = cin if stride > 1 else branch
        self.branch2 = nn.Sequential(
            nn.Conv2d(b2_in, branch, 1, bias=False), nn.BatchNorm2d(branch), nn.ReLU(),
            nn.Conv2d(branch, branch, 3, stride, 1, groups=branch, bias=False),
            nn.BatchNorm2d(branch),
            nn.Conv2d(branch, branch, 1, bias=False), nn.BatchNorm2d(branch), nn.ReLU())

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetUnit(nn.Module):
    def __init__(self):
        super().__init__()
        self.units = nn.Sequential(ShuffleUnit(16, 16, 1), ShuffleUnit(16, 32, 2),
                                   ShuffleUnit(32, 32, 1))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.units(x)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return F.log_softmax(self.fc(x), dim=1)


class GeluBlock(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)
        self.se1 = nn.Conv2d(c, 4, 1)
        self.se2 = nn.Conv2d(4, c, 1)
        self.c3 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        x = F.gelu(self.c1(x))
        x = F.hardswish(self.c2(x))
        s = x.mean(dim=(2, 3), keepdim=True)
        s = torch.sigmoid(self.se2(F.relu6(self.se1(s))))
        x = self.c3(x * s)
        x = F.silu(x)
        x = F.elu(x, alpha=0.7)
        x = F.softplus(x)
        x = x * x + torch.sqrt(torch.abs(x))
        return (x - 0.5) / 2.0


class SmallConvDeconv(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(8, 3, 4, stride=2, padding=1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        h = F.relu(self.down(x))
        y = torch.sigmoid(self.up(h)) + x
        logits = self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))
        return y, logits


class FpNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.up = nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1)
        self.c2 = nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, x):
        return self.c2(F.relu(self.up(F.relu(self.bn(self.c1(x))))))


# --- models not exported by torch ------------------------------------------------------------

def conv2d_same_upper(x, w, b, stride):
    """NCHW conv with auto_pad SAME_UPPER, from the definition (numpy loops)."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    out = [-(-size // stride) for size in (h, wd)]
    pads = [max((o - 1) * stride + k - i, 0) for o, k, i in zip(out, (kh, kw), (h, wd))]
    begin = [p // 2 for p in pads]  # SAME_UPPER: the odd pad at the end
    y = np.zeros((n, m, out[0], out[1]), np.float64)
    for oy in range(out[0]):
        for ox in range(out[1]):
            for ky in range(kh):
                for kx in range(kw):
                    iy = oy * stride + ky - begin[0]
                    ix = ox * stride + kx - begin[1]
                    if 0 <= iy < h and 0 <= ix < wd:
                        y[:, :, oy, ox] += x[:, :, iy, ix].astype(np.float64) @ \
                            w[:, :, ky, kx].T.astype(np.float64)
    return y + b[None, :, None, None]


def conv_transpose2d_same_upper(x, w, b, stride):
    """NCHW ConvTranspose with auto_pad SAME_UPPER (out = in * stride), from the definition:
    scatter every input value through the kernel into the full result, then crop
    total = full - out cells, total // 2 at the start (SAME_UPPER: the odd one at the end)."""
    n, c, h, wd = x.shape
    _, m, kh, kw = w.shape
    full = [(h - 1) * stride + kh, (wd - 1) * stride + kw]
    y = np.zeros((n, m, full[0], full[1]), np.float64)
    for iy in range(h):
        for ix in range(wd):
            for ky in range(kh):
                for kx in range(kw):
                    y[:, :, iy * stride + ky, ix * stride + kx] += \
                        x[:, :, iy, ix].astype(np.float64) @ w[:, :, ky, kx].astype(np.float64)
    out = [h * stride, wd * stride]
    begin = [(f - o) // 2 for f, o in zip(full, out)]
    y = y[:, :, begin[0]:begin[0] + out[0], begin[1]:begin[1] + out[1]]
    return y + b[None, :, None, None]


def make_keras_nhwc():
    rng = np.random.default_rng(42)
    x = rng.standard_normal((1, 10, 7, 3)).astype(np.float32)
    # Keras layouts: Conv2D kernel (kh, kw, in, out); Conv2DTranspose kernel (kh, kw, out, in).
    conv_k = (rng.standard_normal((3, 3, 3, 8)) * 0.3).astype(np.float32)
    conv_b = (rng.standard_normal(8) * 0.1).astype(np.float32)
    deconv_k = (rng.standard_normal((3, 3, 4, 8)) * 0.3).astype(np.float32)
    deconv_b = (rng.standard_normal(4) * 0.1).astype(np.float32)
    # ONNX layouts: Conv (M, C, kh, kw); ConvTranspose (C, M, kh, kw). Both from Keras by
    # transpose(3, 2, 0, 1); no spatial flip.
    conv_w = np.ascontiguousarray(conv_k.transpose(3, 2, 0, 1))
    deconv_w = np.ascontiguousarray(deconv_k.transpose(3, 2, 0, 1))

    nodes = [
        helper.make_node("Transpose", ["x"], ["x_nchw"], name="to_nchw", perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["x_nchw", "conv_w", "conv_b"], ["c"], name="conv2d",
                         auto_pad="SAME_UPPER", strides=[2, 2], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("ConvTranspose", ["r", "deconv_w", "deconv_b"], ["d"],
                         name="conv2d_transpose", auto_pad="SAME_UPPER", strides=[2, 2],
                         kernel_shape=[3, 3]),
        helper.make_node("Transpose", ["d"], ["y"], name="to_nhwc", perm=[0, 2, 3, 1]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((conv_w, "conv_w"), (conv_b, "conv_b"), (deconv_w, "deconv_w"),
              (deconv_b, "deconv_b"))]
    graph = helper.make_graph(
        nodes, "keras_nhwc",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10, 7, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10, 8, 4])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="ort-lite make_real_models.py (tf2onnx-style)")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path("keras_nhwc.onnx"))

    x_nchw = x.transpose(0, 3, 1, 2)
    c = np.maximum(conv2d_same_upper(x_nchw, conv_w, conv_b, 2), 0).astype(np.float32)
    d = conv_transpose2d_same_upper(c, deconv_w, deconv_b, 2)
    y = d.transpose(0, 2, 3, 1).astype(np.float32)
    assert y.shape == (1, 10, 8, 4), y.shape

    # Cross-check the loops with torch (explicit pads and crops, same semantics).
    xt = torch.from_numpy(np.ascontiguousarray(x_nchw))
    # Conv: H 10 -> 5, total pad 1 -> (0, 1); W 7 -> 4, total 2 -> (1, 1).
    ct = F.conv2d(F.pad(xt, (1, 1, 0, 1)), torch.from_numpy(conv_w), torch.from_numpy(conv_b),
                  stride=2)
    assert np.allclose(ct.numpy(), conv2d_same_upper(x_nchw, conv_w, conv_b, 2), atol=1e-5)
    # ConvTranspose: full H 11, W 9; out 10, 8: crop 0 at the start, 1 at the end.
    dt = F.conv_transpose2d(F.relu(ct), torch.from_numpy(deconv_w), torch.from_numpy(deconv_b),
                            stride=2)[:, :, :10, :8]
    assert np.allclose(dt.numpy().transpose(0, 2, 3, 1), y, atol=1e-5)

    np.save(path("keras_nhwc.input.npy"), x)
    np.save(path("keras_nhwc.expected.npy"), y)
    np.save(path("keras_nhwc.conv_kernel_keras.npy"), conv_k)
    np.save(path("keras_nhwc.deconv_kernel_keras.npy"), deconv_k)


def make_fp16():
    torch.manual_seed(12)
    model = randomize_norms(FpNet(), 112).eval()
    x = torch.randn(1, 3, 16, 16)
    calibrate(model, [x])
    # Round the input and every parameter/buffer to float16, so float32 torch on the rounded
    # values is the reference for ort-lite's float16-in-float32 computation.
    x = x.half().float()
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.dtype == torch.float32:
                t.copy_(t.half().float())
    expected = run_torch(model, [x])[0]
    tmp = path("fp16_upsampler.onnx")
    # PRESERVE keeps the BatchNormalization node: folding it into the Conv would round the
    # folded weights to float16, and torch's model would no longer be the same model.
    torch.onnx.export(model, (x,), tmp, opset_version=13, input_names=["x"],
                      output_names=["y"], do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(tmp)
    for init in m.graph.initializer:
        if init.data_type == TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(
                numpy_helper.to_array(init).astype(np.float16), init.name))
    for v in list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16
    onnx.checker.check_model(m)
    onnx.save(m, tmp)
    np.save(path("fp16_upsampler.input.npy"), x.numpy().astype(np.float16))
    np.save(path("fp16_upsampler.expected.npy"), expected.numpy().astype(np.float32))


def make_unsupported_many():
    rng = np.random.default_rng(3)
    w = numpy_helper.from_array(rng.standard_normal((4, 1, 3)).astype(np.float32), "w")
    lstm_w = numpy_helper.from_array(rng.standard_normal((1, 8, 4)).astype(np.float32), "lstm_w")
    lstm_r = numpy_helper.from_array(rng.standard_normal((1, 8, 2)).astype(np.float32), "lstm_r")
    boxes = numpy_helper.from_array(rng.random((1, 3, 4)).astype(np.float32), "boxes")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv0", pads=[1, 1]),
        helper.make_node("Transpose", ["c"], ["seq"], name="to_seq", perm=[2, 0, 1]),
        helper.make_node("LSTM", ["seq", "lstm_w", "lstm_r"], ["h", "", ""], name="lstm0",
                         hidden_size=2),
        helper.make_node("ReduceMax", ["h"], ["hmax"], name="reduce0", keepdims=0),
        helper.make_node("Reshape", ["hmax", "shape"], ["scores"], name="reshape0"),
        helper.make_node("NonMaxSuppression", ["boxes", "scores"], ["y"], name="nms0"),
    ]
    shape = numpy_helper.from_array(np.array([1, 1, 3], np.int64), "shape")
    graph = helper.make_graph(
        nodes, "unsupported_many",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.INT64, [None, 3])],
        initializer=[w, lstm_w, lstm_r, boxes, shape])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="ort-lite make_real_models.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path("unsupported_many.onnx"))


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    np.random.seed(0)

    torch.manual_seed(1)
    export(randomize_norms(DcganGenerator(), 101), [torch.randn(2, 100, 1, 1)],
           "dcgan_generator", 9, input_names=["z"])

    torch.manual_seed(2)
    x = torch.randn(1, 3, 64, 64)
    export(randomize_norms(UNet(), 102), [x], "unet", 11, keep_bn=True)
    torch.manual_seed(3)
    export(randomize_norms(UNet(bilinear=True), 103), [x], "unet_bilinear", 13)

    torch.manual_seed(4)
    espcn = Espcn()
    x = torch.rand(1, 1, 16, 16)
    export(espcn, [x], "espcn", 12)
    export(espcn, [x], "espcn_opset9", 9)

    torch.manual_seed(5)
    export(randomize_norms(Fsrcnn(), 105), [torch.rand(1, 1, 12, 12)], "fsrcnn", 10)

    torch.manual_seed(6)
    t = torch.linspace(0, 1, 256)
    audio = (torch.sin(2 * np.pi * 7 * t) + 0.3 * torch.randn(256)).reshape(1, 1, 256)
    export(Conv1dAutoencoder(), [audio], "conv1d_autoencoder", 14)

    torch.manual_seed(7)
    export(randomize_norms(Decoder3d(), 107), [torch.randn(1, 8, 2, 4, 4)], "decoder3d", 15)

    torch.manual_seed(8)
    export(VaeDecoder(), [torch.randn(2, 16)], "vae_decoder", 16, input_names=["z"])

    torch.manual_seed(9)
    export(randomize_norms(ResNetBlock(), 109), [torch.randn(2, 3, 32, 32)], "resnet_block", 13,
           keep_bn=True)

    torch.manual_seed(10)
    export(randomize_norms(ShuffleNetUnit(), 110), [torch.randn(2, 16, 16, 16)],
           "shufflenet_unit", 11)

    torch.manual_seed(11)
    export(GeluBlock(), [torch.randn(1, 8, 16, 16)], "gelu_block", 14)

    torch.manual_seed(13)
    net = SmallConvDeconv().eval()
    sizes = {"b1": torch.randn(1, 3, 16, 16), "b3": torch.randn(3, 3, 16, 16)}
    export(net, [sizes["b1"]], "dynamic_batch", 13, output_names=["y", "logits"],
           dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}, "logits": {0: "batch"}})
    for tag, x in sizes.items():
        save(f"dynamic_batch.{tag}", [x.numpy()], "input")
        save(f"dynamic_batch.{tag}", [t.numpy() for t in run_torch(net, [x])], "expected")
    sizes = {"b1_16x16": torch.randn(1, 3, 16, 16), "b2_24x20": torch.randn(2, 3, 24, 20)}
    hw = {0: "batch", 2: "height", 3: "width"}
    export(net, [sizes["b1_16x16"]], "dynamic_hw", 17, output_names=["y", "logits"],
           dynamic_axes={"x": hw, "y": hw, "logits": {0: "batch"}})
    for tag, x in sizes.items():
        save(f"dynamic_hw.{tag}", [x.numpy()], "input")
        save(f"dynamic_hw.{tag}", [t.numpy() for t in run_torch(net, [x])], "expected")

    make_keras_nhwc()
    make_fp16()
    make_unsupported_many()


if __name__ == "__main__":
    main()
