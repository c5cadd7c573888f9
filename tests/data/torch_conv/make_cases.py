#!/usr/bin/python3
"""Conv / ConvTranspose expected outputs computed by PyTorch: an oracle independent of ort-lite.

Read by tests/torch_reference_test.cc. Regenerate (deterministic; fixed seeds per case name):

    /usr/bin/python3 tests/data/torch_conv/make_cases.py

Use Debian's /usr/bin/python3 (python3-torch 1.13, python3-numpy), not the first python3 on
PATH. The script deletes and rewrites every *.npy here and cases.txt; commit the outputs so the
test never needs Python.

For each case it writes <name>.x.npy, <name>.w.npy, <name>.b.npy (only when the case has a bias)
and <name>.y.npy, all float32, and one line of cases.txt:

    <name> <Conv|ConvTranspose> attr=v1,v2 attr=v ...

with ONNX attribute names (auto_pad, strides, dilations, pads, group, output_padding,
output_shape, kernel_shape). An attribute that is absent takes its ONNX default.

Expected values: torch.nn.functional.conv{1,2,3}d / conv_transpose{1,2,3}d in float64 on the
float32 inputs, cast to float32. What torch cannot express directly is computed here from the
ONNX operator text (own code below, deliberately not a port of ort-lite's C++):

  Conv: the pads (explicit, or auto_pad SAME_UPPER / SAME_LOWER / VALID) are applied to the
  input with F.pad (zeros), then torch convolves with padding 0.

  ConvTranspose: torch's full result (padding 0, output_padding 0, no bias) is placed into the
  ONNX output per spatial axis: output cell j holds full[j + pads_begin] when that index exists,
  else 0 (cropping at the start for pads_begin > 0, at the end when the output is shorter than
  the rest of the full result; extending with empty cells otherwise). The bias is added to every
  output cell afterwards, so the extended cells hold exactly the bias.

  Where the ONNX text is silent (a NEGATIVE total padding from auto_pad SAME or output_shape,
  e.g. kernel < stride or output_shape beyond the full result) the project's documented policy
  is used: the result stays aligned at the start (pads_begin = 0), the extra cells go at the end.
"""
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# ------------------------------------------------------------------------------------------
# ONNX padding rules, per spatial axis, from the operator text.
# ------------------------------------------------------------------------------------------
def effective_kernel(k, d):
    return (k - 1) * d + 1


def conv_pads(auto_pad, in_size, k, s, d, explicit_begin, explicit_end):
    """Conv: (pads_begin, pads_end) for one axis.

    ONNX Conv: "SAME_UPPER or SAME_LOWER mean pad the input so that
    output_shape[i] = ceil(input_shape[i] / strides[i]) for each axis i. The padding is split
    between the two sides equally or almost equally (depending on whether it is even or odd). In
    case the padding is an odd number, the extra padding is added at the end for SAME_UPPER and
    at the beginning for SAME_LOWER. VALID mean no padding."
    """
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        out = -(-in_size // s)  # ceil
        total = max(0, (out - 1) * s + effective_kernel(k, d) - in_size)
        small, large = total // 2, total - total // 2
        return (small, large) if auto_pad == "SAME_UPPER" else (large, small)
    if auto_pad == "VALID":
        return 0, 0
    return explicit_begin, explicit_end


def conv_transpose_placement(auto_pad, in_size, k, s, d, explicit_begin, explicit_end,
                             output_padding, output_size):
    """ConvTranspose: (pads_begin, output size) for one axis.

    ONNX ConvTranspose: "output_shape[i] = stride[i] * (input_size[i] - 1) + output_padding[i] +
    ((kernel_shape[i] - 1) * dilations[i] + 1) - pads[start_i] - pads[end_i]".
    "output_shape can also be explicitly specified in which case pads values are auto generated:
      total_padding[i] = stride[i] * (input_size[i] - 1) + output_padding[i] +
                         ((kernel_shape[i] - 1) * dilations[i] + 1) - output_shape[i]
      If (auto_pads == SAME_UPPER): pads[start_i] = total_padding[i]/2;
                                    pads[end_i] = total_padding[i] - (total_padding[i]/2)
      Else: pads[start_i] = total_padding[i] - (total_padding[i]/2);
            pads[end_i] = (total_padding[i]/2)."
    auto_pad: "SAME_UPPER or SAME_LOWER mean pad the input so that
    output_shape[i] = input_shape[i] * strides[i] for each axis i. ... the extra padding is added
    at the end for SAME_UPPER and at the beginning for SAME_LOWER. VALID mean no padding."
    """
    full_plus_op = s * (in_size - 1) + output_padding + effective_kernel(k, d)
    if output_size is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = output_size if output_size is not None else in_size * s
        total = full_plus_op - target
        if total < 0:
            return 0, target  # project policy (spec silent): aligned at the start
        if auto_pad == "SAME_UPPER":
            begin = total // 2
        else:  # NOTSET / VALID with output_shape, and SAME_LOWER
            begin = total - total // 2
        return begin, target
    if auto_pad == "VALID":
        return 0, full_plus_op
    return explicit_begin, full_plus_op - explicit_begin - explicit_end


# ------------------------------------------------------------------------------------------
# Expected outputs.
# ------------------------------------------------------------------------------------------
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def attrs_of(case, rank):
    a = case["attrs"]
    strides = a.get("strides", [1] * rank)
    dilations = a.get("dilations", [1] * rank)
    pads = a.get("pads", [0] * (2 * rank))
    output_padding = a.get("output_padding", [0] * rank)
    output_shape = a.get("output_shape")
    if output_shape is not None and len(output_shape) == rank + 2:
        output_shape = output_shape[2:]  # N and C prefixed
    return (a.get("auto_pad", "NOTSET"), a.get("group", 1), strides, dilations, pads,
            output_padding, output_shape)


def expected_conv(case, x, w, b):
    rank = x.ndim - 2
    auto_pad, group, strides, dilations, pads, _, _ = attrs_of(case, rank)
    kernel = w.shape[2:]
    f_pad = []  # F.pad lists the LAST axis first
    for i in reversed(range(rank)):
        begin, end = conv_pads(auto_pad, x.shape[2 + i], kernel[i], strides[i], dilations[i],
                               pads[i], pads[rank + i])
        assert begin >= 0 and end >= 0
        f_pad += [begin, end]
    xt = F.pad(torch.from_numpy(x).double(), f_pad)
    y = CONV[rank](xt, torch.from_numpy(w).double(), None if b is None else
                   torch.from_numpy(b).double(), stride=strides, dilation=dilations, groups=group)
    # Cross-check: where torch has the attributes natively, it must agree with the path above.
    if auto_pad == "NOTSET" and pads[:rank] == pads[rank:]:
        direct = CONV[rank](torch.from_numpy(x).double(), torch.from_numpy(w).double(),
                            None if b is None else torch.from_numpy(b).double(), stride=strides,
                            padding=pads[:rank], dilation=dilations, groups=group)
        assert torch.equal(direct, y), case["name"]
    return y.numpy()


def expected_conv_transpose(case, x, w, b):
    rank = x.ndim - 2
    auto_pad, group, strides, dilations, pads, output_padding, output_shape = attrs_of(case, rank)
    kernel = w.shape[2:]
    xt, wt = torch.from_numpy(x).double(), torch.from_numpy(w).double()
    full = CONV_T[rank](xt, wt, None, stride=strides, padding=0, output_padding=0, groups=group,
                        dilation=dilations)
    n, m = full.shape[:2]
    placements = [
        conv_transpose_placement(auto_pad, x.shape[2 + i], kernel[i], strides[i], dilations[i],
                                 pads[i], pads[rank + i], output_padding[i],
                                 None if output_shape is None else output_shape[i])
        for i in range(rank)
    ]
    out_sizes = [size for _, size in placements]
    assert all(size >= 1 for size in out_sizes), case["name"]
    y = torch.zeros([n, m] + out_sizes, dtype=torch.float64)
    dst, src = [slice(None), slice(None)], [slice(None), slice(None)]
    for i, (begin, size) in enumerate(placements):
        # Output cell j holds full[j + begin] where 0 <= j + begin < full_size.
        full_size = full.shape[2 + i]
        lo, hi = max(0, -begin), min(size, full_size - begin)
        assert lo < hi, case["name"]  # some computed value must land in the output
        dst.append(slice(lo, hi))
        src.append(slice(lo + begin, hi + begin))
    y[tuple(dst)] = full[tuple(src)]
    if b is not None:
        y += torch.from_numpy(b).double().reshape([1, m] + [1] * rank)
    # Cross-check against torch's own padding / output_padding where it can express the case.
    explicit = auto_pad == "NOTSET" and output_shape is None
    if (explicit and pads[:rank] == pads[rank:] and min(pads) >= 0 and
            all(op < max(s, d) for op, s, d in zip(output_padding, strides, dilations))):
        direct = CONV_T[rank](xt, wt, None if b is None else torch.from_numpy(b).double(),
                              stride=strides, padding=pads[:rank], output_padding=output_padding,
                              groups=group, dilation=dilations)
        assert direct.shape == y.shape and torch.allclose(direct, y, rtol=0, atol=1e-12), \
            case["name"]
    return y.numpy()


# ------------------------------------------------------------------------------------------
# Cases. x / w: shapes (ONNX layouts: Conv W (M, C/g, k..), ConvTranspose W (C, M/g, k..)).
# ------------------------------------------------------------------------------------------
CASES = []


def case(name, op, x, w, bias=True, **attrs):
    CASES.append(dict(name=name, op=op, x=x, w=w, bias=bias, attrs=attrs))


C, T = "Conv", "ConvTranspose"

# --- Conv 1-D
case("conv1d_pads", C, [1, 3, 10], [4, 3, 3], pads=[1, 1])
case("conv1d_group2_stride2_asym", C, [2, 4, 11], [6, 2, 3], group=2, strides=[2], pads=[0, 2])
case("conv1d_same_upper_dilated", C, [1, 2, 9], [3, 2, 3], auto_pad="SAME_UPPER", strides=[2],
     dilations=[2])
case("conv1d_same_lower_dilated_odd", C, [1, 2, 10], [3, 2, 2], auto_pad="SAME_LOWER",
     strides=[3], dilations=[3])
case("conv1d_kernel_lt_stride", C, [1, 2, 13], [2, 2, 2], strides=[3])
case("conv1d_depthwise_mult3", C, [1, 2, 9], [6, 1, 3], group=2, pads=[2, 0], kernel_shape=[3])
# --- Conv 2-D
case("conv2d_pads", C, [1, 3, 6, 7], [5, 3, 3, 3], pads=[1, 1, 1, 1])
case("conv2d_group3_asym", C, [1, 6, 7, 6], [9, 2, 3, 2], group=3, strides=[2, 1],
     pads=[1, 0, 0, 1])
case("conv2d_depthwise", C, [1, 4, 7, 7], [4, 1, 3, 3], group=4, pads=[1, 1, 1, 1])
case("conv2d_depthwise_mult2_same_upper", C, [2, 3, 6, 5], [6, 1, 3, 3], group=3,
     strides=[2, 2], auto_pad="SAME_UPPER")
case("conv2d_dilated_asym", C, [1, 2, 9, 8], [3, 2, 3, 3], dilations=[2, 3], pads=[2, 3, 1, 0])
case("conv2d_asym_pads_stride", C, [1, 2, 5, 6], [2, 2, 3, 3], strides=[1, 2], pads=[0, 2, 1, 0])
case("conv2d_same_upper_odd", C, [1, 2, 7, 6], [3, 2, 4, 3], strides=[2, 2],
     auto_pad="SAME_UPPER")
case("conv2d_same_lower_odd", C, [1, 2, 7, 6], [3, 2, 4, 3], strides=[2, 2],
     auto_pad="SAME_LOWER")
case("conv2d_same_upper_dilated", C, [1, 2, 8, 7], [2, 2, 3, 3], strides=[2, 1],
     dilations=[2, 3], auto_pad="SAME_UPPER")
case("conv2d_same_lower_dilated", C, [1, 2, 8, 7], [2, 2, 3, 3], strides=[2, 1],
     dilations=[2, 3], auto_pad="SAME_LOWER")
case("conv2d_same_upper_k1_s3", C, [1, 2, 7, 8], [2, 2, 1, 1], strides=[3, 3],
     auto_pad="SAME_UPPER")
case("conv2d_valid", C, [1, 3, 8, 7], [2, 3, 3, 2], strides=[2, 3], auto_pad="VALID")
case("conv2d_batch2_nobias", C, [2, 3, 5, 5], [4, 3, 2, 2], bias=False, kernel_shape=[2, 2])
# --- Conv 3-D
case("conv3d_asym_pads", C, [1, 2, 4, 5, 4], [3, 2, 3, 3, 2], pads=[1, 0, 1, 1, 2, 0])
case("conv3d_group2_dilated", C, [1, 4, 6, 5, 5], [4, 2, 2, 2, 2], group=2, dilations=[2, 1, 2],
     strides=[1, 2, 1])
case("conv3d_same_upper_batch2_nobias", C, [2, 2, 5, 4, 3], [2, 2, 3, 2, 3], bias=False,
     strides=[2, 2, 2], auto_pad="SAME_UPPER")
case("conv3d_depthwise_mult2", C, [1, 3, 4, 4, 4], [6, 1, 3, 3, 3], group=3,
     pads=[1, 1, 1, 1, 1, 1])
case("conv3d_same_lower_dilated", C, [1, 2, 5, 5, 4], [2, 2, 2, 3, 2], dilations=[2, 2, 3],
     strides=[1, 2, 1], auto_pad="SAME_LOWER")

# --- ConvTranspose 1-D
case("convt1d_pads", T, [1, 3, 5], [3, 2, 3], strides=[2], pads=[1, 1])
case("convt1d_group2_c4_m6", T, [1, 4, 6], [4, 3, 3], group=2, strides=[2])
case("convt1d_s1_d2_op1", T, [1, 2, 5], [2, 2, 3], dilations=[2], output_padding=[1])
case("convt1d_vocoder_small", T, [1, 8, 12], [8, 1, 64], strides=[16], pads=[24, 24])
case("convt1d_vocoder_small_nopads", T, [1, 8, 12], [8, 1, 64], strides=[16], bias=False)
case("convt1d_same_upper_k2_s3", T, [1, 2, 4], [2, 3, 2], strides=[3], auto_pad="SAME_UPPER")
case("convt1d_same_upper_op1", T, [1, 2, 4], [2, 2, 3], strides=[2], output_padding=[1],
     auto_pad="SAME_UPPER")
case("convt1d_negative_end_pad", T, [1, 2, 4], [2, 2, 2], strides=[3], pads=[0, -1])
case("convt1d_output_shape_op1", T, [1, 2, 4], [2, 2, 3], strides=[2], output_padding=[1],
     output_shape=[8])
case("convt1d_depthwise_dilated", T, [1, 3, 6], [3, 1, 3], group=3, strides=[2], dilations=[3],
     pads=[2, 1])
# --- ConvTranspose 2-D
case("convt2d_pads", T, [1, 2, 4, 3], [2, 3, 3, 3], strides=[2, 1], pads=[1, 0, 1, 0])
case("convt2d_group2_c4_m6", T, [1, 4, 3, 3], [4, 3, 3, 3], group=2, strides=[2, 2],
     pads=[1, 1, 1, 1])
case("convt2d_k3_s2_p1_op1_in7", T, [1, 2, 7, 7], [2, 2, 3, 3], strides=[2, 2],
     pads=[1, 1, 1, 1], output_padding=[1, 1])
case("convt2d_3x3_s2_same_upper", T, [1, 1, 3, 3], [1, 2, 3, 3], strides=[2, 2],
     auto_pad="SAME_UPPER")
case("convt2d_3x3_s2_same_lower", T, [1, 1, 3, 3], [1, 2, 3, 3], strides=[2, 2],
     auto_pad="SAME_LOWER")
case("convt2d_5x5_k3_s2_same_upper", T, [1, 2, 5, 5], [2, 2, 3, 3], strides=[2, 2],
     auto_pad="SAME_UPPER")
case("convt2d_in50_d31_k35_h97", T, [1, 2, 50, 4], [2, 1, 3, 5], strides=[2, 1],
     dilations=[3, 1], pads=[4, 2, 4, 2])
case("convt2d_opset10_7x5_same_upper", T, [1, 3, 7, 5], [3, 3, 2, 3], strides=[2, 1],
     auto_pad="SAME_UPPER")
case("convt2d_depthwise", T, [1, 3, 4, 4], [3, 1, 3, 3], group=3, strides=[2, 2],
     pads=[1, 1, 1, 1])
case("convt2d_depthwise_mult2", T, [1, 3, 4, 3], [3, 2, 2, 2], group=3, strides=[2, 2])
case("convt2d_dilated_asym", T, [1, 2, 4, 4], [2, 2, 3, 2], strides=[2, 1], dilations=[2, 3],
     pads=[1, 2, 0, 1])
case("convt2d_asym_pads", T, [1, 2, 5, 4], [2, 3, 3, 3], strides=[2, 2], pads=[0, 2, 2, 1])
case("convt2d_s1_d2_op1_pads", T, [1, 2, 4, 5], [2, 2, 3, 3], dilations=[2, 2],
     output_padding=[1, 1], pads=[1, 0, 1, 2])
case("convt2d_same_upper_k1_s3", T, [1, 2, 3, 4], [2, 2, 1, 1], strides=[3, 3],
     auto_pad="SAME_UPPER")
case("convt2d_same_lower_k2_s3", T, [1, 2, 3, 3], [2, 1, 2, 2], strides=[3, 3],
     auto_pad="SAME_LOWER")
case("convt2d_same_upper_dilated", T, [1, 2, 3, 4], [2, 2, 3, 3], strides=[2, 2],
     dilations=[2, 1], auto_pad="SAME_UPPER")
case("convt2d_output_shape_odd_notset", T, [1, 2, 3, 3], [2, 2, 3, 3], strides=[2, 2],
     output_shape=[6, 5], pads=[1, 1, 1, 1])
case("convt2d_output_shape_odd_same_upper", T, [1, 2, 3, 3], [2, 2, 3, 3], strides=[2, 2],
     output_shape=[6, 5], auto_pad="SAME_UPPER")
case("convt2d_output_shape_odd_same_lower", T, [1, 2, 3, 3], [2, 2, 3, 3], strides=[2, 2],
     output_shape=[6, 5], auto_pad="SAME_LOWER")
case("convt2d_output_shape_nc_prefix", T, [1, 2, 3, 4], [2, 3, 3, 3], strides=[2, 2],
     output_shape=[1, 3, 6, 8])
case("convt2d_output_shape_beyond_full", T, [1, 2, 3, 3], [2, 2, 3, 3], strides=[2, 2],
     output_shape=[10, 9])
case("convt2d_valid_op1", T, [1, 2, 3, 4], [2, 2, 3, 3], strides=[2, 2], output_padding=[1, 1],
     auto_pad="VALID")
case("convt2d_negative_pads", T, [1, 2, 3, 3], [2, 2, 2, 2], strides=[2, 2],
     pads=[-1, 0, 0, -2])
case("convt2d_batch2_nobias", T, [2, 3, 3, 4], [3, 2, 2, 3], bias=False, strides=[2, 3],
     kernel_shape=[2, 3])
# --- ConvTranspose 3-D
case("convt3d_pads", T, [1, 2, 3, 3, 2], [2, 2, 3, 3, 3], strides=[2, 2, 2], pads=[1, 1, 1, 1, 1, 1])
case("convt3d_group2_dilated_op", T, [1, 4, 2, 3, 3], [4, 3, 2, 2, 2], group=2,
     strides=[1, 2, 2], dilations=[2, 1, 1], output_padding=[1, 1, 0])
case("convt3d_same_lower", T, [1, 2, 3, 2, 3], [2, 1, 3, 2, 2], strides=[2, 2, 2],
     auto_pad="SAME_LOWER")
case("convt3d_depthwise", T, [1, 3, 2, 3, 2], [3, 1, 2, 2, 3], group=3, strides=[2, 2, 2],
     pads=[0, 1, 1, 1, 0, 1])
case("convt3d_output_shape_mixed", T, [1, 2, 2, 2, 3], [2, 2, 3, 3, 2], strides=[2, 2, 2],
     output_shape=[4, 6, 8])
case("convt3d_batch2_same_upper_nobias", T, [2, 2, 2, 3, 2], [2, 2, 2, 3, 3], bias=False,
     strides=[2, 1, 3], auto_pad="SAME_UPPER")


def format_attr(value):
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return ",".join(str(v) for v in value)


def main():
    for f in os.listdir(HERE):
        if f.endswith(".npy"):
            os.remove(os.path.join(HERE, f))
    names = set()
    lines = ["# Generated by make_cases.py (PyTorch %s); do not edit." % torch.__version__,
             "# name op attr=v1,v2 ...  (ONNX attribute names; absent = ONNX default)"]
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        rng = np.random.default_rng(zlib.crc32(c["name"].encode()))
        x = rng.uniform(-1, 1, c["x"]).astype(np.float32)
        w = rng.uniform(-1, 1, c["w"]).astype(np.float32)
        group = c["attrs"].get("group", 1)
        m = c["w"][0] if c["op"] == C else c["w"][1] * group
        b = rng.uniform(-1, 1, [m]).astype(np.float32) if c["bias"] else None
        compute = expected_conv if c["op"] == C else expected_conv_transpose
        y = compute(c, x, w, b).astype(np.float32)
        base = os.path.join(HERE, c["name"])
        np.save(base + ".x.npy", x)
        np.save(base + ".w.npy", w)
        if b is not None:
            np.save(base + ".b.npy", b)
        np.save(base + ".y.npy", y)
        attrs = " ".join("%s=%s" % (k, format_attr(v)) for k, v in c["attrs"].items())
        lines.append(("%s %s %s" % (c["name"], c["op"], attrs)).rstrip())
        print("%-40s x %-16s w %-16s -> y %s" % (c["name"], list(x.shape), list(w.shape),
                                                 list(y.shape)))
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%d cases" % len(CASES))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
