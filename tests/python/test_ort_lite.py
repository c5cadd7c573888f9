"""The Python module ort_lite (runtime/python/): runs, metadata, buffers, threads, errors and the
weight and padding conversions. Run by ctest (python_test) with PYTHONPATH at the built module
and ORTL_TEST_DATA_DIR at tests/data."""
import os
import threading

import numpy as np
import pytest

import ort_lite

MODELS = os.path.join(os.environ.get("ORTL_TEST_DATA_DIR", "tests/data"), "models")


def model(name):
    return os.path.join(MODELS, name + ".onnx")


def load(name, suffix):
    return np.load(os.path.join(MODELS, f"{name}.{suffix}.npy"))


@pytest.mark.parametrize("backend", ["onednn", "reference"])
@pytest.mark.parametrize("name", ["example_upsampler", "unet", "espcn", "dcgan_generator"])
def test_run_matches_the_expected_output(name, backend):
    session = ort_lite.Session(model(name), threads=1, backend=backend)
    x = load(name, "input")
    outputs = session.run({session.inputs[0]["name"]: x})
    assert list(outputs) == [o["name"] for o in session.outputs]
    y = next(iter(outputs.values()))
    np.testing.assert_allclose(y, load(name, "expected"), rtol=1e-4, atol=1e-5)


def test_inputs_and_outputs_as_declared_with_symbolic_dims():
    session = ort_lite.Session(model("dynamic_batch"))
    (x,) = session.inputs
    assert x["dtype"] == "float32"
    assert isinstance(x["shape"][0], str)  # the symbolic batch dim keeps its name
    assert all(isinstance(d, int) for d in x["shape"][1:])
    y = session.run({x["name"]: np.zeros([3] + x["shape"][1:], np.float32)})
    assert next(iter(y.values())).shape[0] == 3


def test_outputs_are_arrays_over_the_runtime_buffers():
    session = ort_lite.Session(model("example_upsampler"))
    y = session.run({"x": load("example_upsampler", "input")})["y"]
    assert y.dtype == np.float32 and y.flags.c_contiguous
    assert not y.flags.owndata  # a view over ort-lite's tensor, no copy
    y[0, 0, 0, 0] = 42.0  # and writable, like any array the caller owns
    assert y[0, 0, 0, 0] == 42.0


def test_inputs_in_any_memory_order_give_the_same_values():
    session = ort_lite.Session(model("example_upsampler"))
    x = load("example_upsampler", "input")
    expected = session.run({"x": x})["y"]
    fortran = np.asfortranarray(x)
    strided = np.repeat(x, 2, axis=3)[..., ::2]
    for variant in (fortran, strided):
        np.testing.assert_array_equal(session.run({"x": variant})["y"], expected)


def test_runs_from_several_python_threads_at_once():
    session = ort_lite.Session(model("unet"), threads=1)
    x = load("unet", "input")
    expected = session.run({"x": x})
    results, errors = [None] * 4, []

    def worker(i):
        try:
            results[i] = session.run({"x": x})
        except Exception as e:  # reported below, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r in results:
        for name in expected:
            np.testing.assert_array_equal(r[name], expected[name])


def test_report_names_each_nodes_implementation():
    report = ort_lite.Session(model("example_upsampler")).report()
    assert any(r["node"].startswith("Conv") and "onednn" in r["implementation"] for r in report)


def test_errors_carry_the_runtimes_messages():
    with pytest.raises(ort_lite.Error, match="no_such.onnx"):
        ort_lite.Session("no_such.onnx")
    with pytest.raises(ort_lite.Error, match="backend 'gpu'"):
        ort_lite.Session(model("example_upsampler"), backend="gpu")
    with pytest.raises(ort_lite.Error, match="threads"):
        ort_lite.Session(model("example_upsampler"), threads=-1)
    session = ort_lite.Session(model("example_upsampler"))
    x = load("example_upsampler", "input")
    with pytest.raises(ort_lite.Error, match="no input named 'z'"):
        session.run({"z": x})
    with pytest.raises(ort_lite.Error, match="float64"):
        session.run({"x": x.astype(np.float64)})
    with pytest.raises(ort_lite.Error, match="shape"):
        session.run({"x": x[..., :8]})
    with pytest.raises(ort_lite.Error, match="not one ort-lite holds"):
        session.run({"x": x.astype(np.complex64)})


def test_weights_convert_between_frameworks():
    w = np.random.default_rng(0).standard_normal((8, 4, 3, 5)).astype(np.float32)
    keras = ort_lite.weights.convert(w, src="pytorch", dst="keras", kind="conv")
    np.testing.assert_array_equal(keras, w.transpose(2, 3, 1, 0))  # (kh, kw, C, M)
    np.testing.assert_array_equal(
        ort_lite.weights.convert(keras, src="keras", dst="pytorch", kind="conv"), w)
    # ConvTranspose: PyTorch (C, M, kh, kw), Keras (kh, kw, M, C).
    d = ort_lite.weights.convert(w, src="pytorch", dst="keras", kind="convtranspose")
    np.testing.assert_array_equal(d, w.transpose(2, 3, 1, 0))
    with pytest.raises(ort_lite.Error, match="groups"):
        ort_lite.weights.convert(w, src="pytorch", dst="keras", kind="convtranspose", groups=2)


def test_padding_conversions():
    # Keras 'same', stride 2, on 7 cells: out 4, pads (1, 1); on 8: out 4, pads (0, 1).
    assert ort_lite.weights.keras_to_onnx("conv", input=7, kernel=3, stride=2,
                                          padding="same")["pads"] == (1, 1)
    assert ort_lite.weights.keras_to_onnx("conv", input=8, kernel=3, stride=2,
                                          padding="same")["pads"] == (0, 1)
    g = ort_lite.weights.torch_to_onnx("convtranspose", input=4, kernel=4, stride=2, padding=1)
    assert g["output"] == 8 and g["pads"] == (1, 1)
    t = ort_lite.weights.onnx_to_torch("conv", input=8, kernel=3, stride=2, pads=(0, 1))
    assert not t["exact_alone"] and t["pad"] != (0, 0)  # PyTorch needs an F.pad first
    k = ort_lite.weights.onnx_to_keras("convtranspose", input=4, kernel=4, stride=2, pads=(1, 1))
    assert k["padding"] == "same" and k["exact_alone"]
    with pytest.raises(ort_lite.Error, match="output_padding"):
        ort_lite.weights.torch_to_onnx("convtranspose", input=4, kernel=3, stride=2,
                                       output_padding=2)
