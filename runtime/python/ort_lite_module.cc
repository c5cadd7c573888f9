// The Python module `ort_lite` (pybind11): Session over numpy arrays, and the weight and padding
// conversions of ort_lite/ops/weight_conventions.h and framework_padding.h as ort_lite.weights.
//
//   import ort_lite
//   s = ort_lite.Session("model.onnx", threads=2, backend="onednn")
//   s.inputs                       # [{'name': 'x', 'dtype': 'float32', 'shape': [1, 3, 'h', 'w']}]
//   y = s.run({"x": array})        # {'y': ndarray}, in the model's output order
//
// Inputs are read in place when they are C-contiguous and 64-byte aligned (copied otherwise);
// outputs are numpy arrays over ort-lite's own buffers (no copy). The GIL is released while a
// run computes, so Python threads can run one Session at once. Every error is an
// ort_lite.Error carrying the C++ Status's message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ort_lite/ops/conv_geometry.h"
#include "ort_lite/ops/framework_padding.h"
#include "ort_lite/ops/weight_conventions.h"
#include "ort_lite/session.h"

namespace py = pybind11;

namespace ort_lite::python {

namespace {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
T value_or_raise(Result<T> result) {
  if (!result.ok()) throw Error(result.status().to_string());
  return std::move(*result);
}

void raise_if_error(const Status& status) {
  if (!status.ok()) throw Error(status.to_string());
}

struct DTypeName {
  DType dtype;
  const char* numpy;
};
constexpr DTypeName kDTypes[] = {{DType::kFloat32, "float32"}, {DType::kFloat64, "float64"},
                                 {DType::kFloat16, "float16"}, {DType::kInt8, "int8"},
                                 {DType::kUInt8, "uint8"},     {DType::kInt32, "int32"},
                                 {DType::kInt64, "int64"},     {DType::kBool, "bool"}};

DType dtype_of_array(const py::array& a, const std::string& name) {
  for (const DTypeName& d : kDTypes) {
    if (a.dtype().is(py::dtype(d.numpy))) return d.dtype;
  }
  throw Error(
      fmt::format("invalid argument: input '{}': numpy dtype {} is not one ort-lite holds "
                  "(float32, float64, float16, int8, uint8, int32, int64, bool)",
                  name, std::string(py::str(a.dtype()))));
}

py::dtype numpy_dtype(DType dtype) {
  for (const DTypeName& d : kDTypes) {
    if (d.dtype == dtype) return py::dtype(d.numpy);
  }
  throw Error("internal error: a dtype without a numpy name");
}

// A numpy array as a Tensor: the array's own bytes when they are C-contiguous and aligned as the
// kernels want (`keep` holds the array for the run), a copy otherwise.
Tensor to_tensor(const py::handle& value, const std::string& name, std::vector<py::array>& keep) {
  py::array a = py::array::ensure(value, py::array::c_style);
  if (!a) throw Error(fmt::format("invalid argument: input '{}' is not an array", name));
  const DType dtype = dtype_of_array(a, name);
  Shape shape(a.shape(), a.shape() + a.ndim());
  raise_if_error(check_tensor_fits(dtype, shape));
  const auto* data = static_cast<const std::byte*>(a.data());
  Tensor tensor;
  if (a.nbytes() > 0 && reinterpret_cast<uintptr_t>(data) % 64 == 0) {
    std::shared_ptr<std::byte> borrowed(const_cast<std::byte*>(data), [](std::byte*) {});
    tensor = Tensor::wrap(dtype, shape, std::move(borrowed));
    keep.push_back(a);
  } else {
    tensor = value_or_raise(Tensor::create_uninitialized(dtype, shape));
    if (a.nbytes() > 0) std::memcpy(tensor.raw_data(), data, static_cast<size_t>(a.nbytes()));
  }
  return tensor;
}

// A Tensor as a numpy array over the same bytes (the capsule keeps them alive).
py::array to_array(const Tensor& t) {
  auto* owner = new Tensor(t);
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  return py::array(numpy_dtype(t.dtype()), shape, owner->raw_data(), free_when_done);
}

py::dict value_info(const ValueInfo& info) {
  py::dict d;
  d["name"] = info.name;
  d["dtype"] = info.dtype ? py::object(py::str(std::string(dtype_name(*info.dtype))))
                          : py::object(py::str(info.dtype_text));
  if (info.shape) {
    py::list shape;
    for (const Dim& dim : *info.shape) {
      if (dim.is_fixed()) {
        shape.append(dim.value);
      } else if (!dim.symbol.empty()) {
        shape.append(dim.symbol);
      } else {
        shape.append(py::none());
      }
    }
    d["shape"] = shape;
  } else {
    d["shape"] = py::none();
  }
  return d;
}

class PySession {
 public:
  PySession(const std::string& path, int threads, const std::string& backend) {
    SessionOptions options;
    options.threads = threads;
    auto parsed = backend_from_name(backend);
    if (!parsed) {
      throw Error(
          fmt::format("invalid argument: backend '{}' is not onednn or reference", backend));
    }
    options.backend = *parsed;
    py::gil_scoped_release release;
    session_ = value_or_raise(Session::load(path, options));
  }

  py::list inputs() const { return infos(session_->inputs()); }
  py::list outputs() const { return infos(session_->outputs()); }

  py::dict run(const py::dict& feeds) const {
    std::vector<py::array> keep;
    std::vector<NamedTensor> named = to_named(feeds, keep);
    std::optional<Result<std::vector<NamedTensor>>> result;
    {
      py::gil_scoped_release release;
      result.emplace(session_->run(named));
    }
    std::vector<NamedTensor> outputs = value_or_raise(std::move(*result));
    py::dict out;
    for (NamedTensor& o : outputs) {
      out[py::str(o.name)] = to_array(o.tensor);
    }
    return out;
  }

  // What the plan chose for each node, for these inputs (default: zeros of the declared shapes).
  py::list report(const py::object& feeds) const {
    std::vector<py::array> keep;
    std::vector<NamedTensor> named;
    if (feeds.is_none()) {
      for (const ValueInfo& info : session_->inputs()) {
        if (!info.dtype || !info.shape) {
          throw Error(
              fmt::format("invalid argument: input '{}' has no declared type and shape: "
                          "give report() the inputs",
                          info.name));
        }
        Shape shape;
        for (const Dim& dim : *info.shape) {
          if (!dim.is_fixed()) {
            throw Error(
                fmt::format("invalid argument: input '{}' has the symbolic dim '{}': give "
                            "report() the inputs",
                            info.name, dim.to_string()));
          }
          shape.push_back(dim.value);
        }
        named.push_back({info.name, value_or_raise(Tensor::create(*info.dtype, shape))});
      }
    } else {
      named = to_named(feeds.cast<py::dict>(), keep);
    }
    std::vector<NodeReport> reports;
    {
      py::gil_scoped_release release;
      reports = value_or_raise(session_->describe(named));
    }
    py::list out;
    for (const NodeReport& r : reports) {
      py::dict d;
      d["node"] = r.node;
      d["implementation"] = r.implementation;
      d["output_shapes"] = r.output_shapes;
      out.append(d);
    }
    return out;
  }

 private:
  static py::list infos(const std::vector<ValueInfo>& values) {
    py::list list;
    for (const ValueInfo& v : values) list.append(value_info(v));
    return list;
  }

  static std::vector<NamedTensor> to_named(const py::dict& feeds, std::vector<py::array>& keep) {
    std::vector<NamedTensor> named;
    for (auto [key, value] : feeds) {
      const std::string name = py::str(key);
      named.push_back({name, to_tensor(value, name, keep)});
    }
    return named;
  }

  std::unique_ptr<Session> session_;
};

weights::LayerKind kind_from(const std::string& name) {
  auto kind = weights::layer_kind_from_name(name);
  if (!kind) {
    throw Error(
        fmt::format("invalid argument: kind '{}' is not conv, convtranspose or depthwise", name));
  }
  return *kind;
}

weights::Convention convention_from(const std::string& name) {
  auto c = weights::convention_from_name(name);
  if (!c) {
    throw Error(fmt::format(
        "invalid argument: convention '{}' is not onnx (pytorch), keras (tf), tflite or canonical",
        name));
  }
  return *c;
}

py::array convert(const py::array& weight, const std::string& src, const std::string& dst,
                  const std::string& kind, std::optional<int64_t> groups) {
  std::vector<py::array> keep;
  const Tensor w =
      to_tensor(py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(weight),
                "weight", keep);
  const weights::Convention from = convention_from(src), to = convention_from(dst);
  const weights::Layer layer =
      value_or_raise(weights::layer_from_shape(kind_from(kind), from, w.shape(), groups));
  return to_array(value_or_raise(weights::convert(w, layer, from, to)));
}

py::dict geometry_dict(const conv::AxisGeometry& g) {
  py::dict d;
  d["input"] = g.input;
  d["output"] = g.output;
  d["kernel"] = g.kernel;
  d["stride"] = g.stride;
  d["dilation"] = g.dilation;
  d["pads"] = py::make_tuple(g.pads_begin, g.pads_end);
  return d;
}

// An ONNX axis from its attributes, resolved as the runtime does.
conv::AxisGeometry onnx_axis(weights::LayerKind kind, int64_t input, int64_t kernel, int64_t stride,
                             int64_t dilation, std::pair<int64_t, int64_t> pads,
                             int64_t output_padding) {
  conv::AxisSpec spec{input,      kernel,      stride,         dilation,
                      pads.first, pads.second, output_padding, std::nullopt};
  if (kind == weights::LayerKind::kConvTranspose) {
    return value_or_raise(conv::resolve_conv_transpose_axis(spec, conv::AutoPad::kNotSet,
                                                            conv::OutputShapePadding::kSpec));
  }
  if (output_padding != 0) {
    throw Error("invalid argument: output_padding is for convtranspose only");
  }
  return value_or_raise(conv::resolve_conv_axis(spec, conv::AutoPad::kNotSet));
}

}  // namespace

}  // namespace ort_lite::python

PYBIND11_MODULE(ort_lite, m) {
  using namespace ort_lite;
  using namespace ort_lite::python;
  m.doc() = "ort-lite: exact and fast ONNX inference for conv and deconv nets on x86 CPUs";
  m.attr("__version__") = ORTL_VERSION;
  py::register_exception<Error>(m, "Error", PyExc_RuntimeError);

  py::class_<PySession>(m, "Session",
                        "An ONNX model loaded once and run many times (thread-safe runs).")
      .def(py::init<const std::string&, int, const std::string&>(), py::arg("path"),
           py::arg("threads") = 0, py::arg("backend") = "onednn",
           "threads 0: one per core; backend 'onednn' (default) or 'reference' (the oracle)")
      .def_property_readonly("inputs", &PySession::inputs,
                             "each input's name, dtype and shape (str for a symbolic dim)")
      .def_property_readonly("outputs", &PySession::outputs)
      .def("run", &PySession::run, py::arg("feeds"),
           "run({name: array}) -> {output name: array}, every model input given once")
      .def("report", &PySession::report, py::arg("feeds") = py::none(),
           "each node's implementation and output shapes for these inputs (default: zeros of "
           "the declared shapes)");

  py::module_ w = m.def_submodule(
      "weights", "Conv/ConvTranspose weight layouts and padding rules between frameworks");
  w.def("convert", &convert, py::arg("array"), py::arg("src"), py::arg("dst"),
        py::arg("kind") = "conv", py::arg("groups") = py::none(),
        "a weight rearranged from convention src to dst (onnx/pytorch, keras/tf, tflite, "
        "canonical); kind conv, convtranspose or depthwise; groups where the shape cannot tell");
  w.def(
      "torch_to_onnx",
      [](const std::string& kind, int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
         int64_t padding, int64_t output_padding) {
        weights::TorchAxis setting;
        setting.padding = padding;
        setting.output_padding = output_padding;
        return geometry_dict(value_or_raise(
            weights::torch_geometry(kind_from(kind), {input, kernel, stride, dilation}, setting)));
      },
      py::arg("kind"), py::arg("input"), py::arg("kernel"), py::arg("stride") = 1,
      py::arg("dilation") = 1, py::arg("padding") = 0, py::arg("output_padding") = 0,
      "one axis of a PyTorch layer in ONNX terms: output size and pads (begin, end)");
  w.def(
      "keras_to_onnx",
      [](const std::string& kind, int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
         const std::string& padding, std::optional<int64_t> output_padding) {
        weights::KerasAxis setting;
        if (padding != "same" && padding != "valid") {
          throw Error(fmt::format("invalid argument: padding '{}' is not same or valid", padding));
        }
        setting.padding =
            padding == "same" ? weights::KerasPadding::kSame : weights::KerasPadding::kValid;
        setting.output_padding = output_padding;
        return geometry_dict(value_or_raise(
            weights::keras_geometry(kind_from(kind), {input, kernel, stride, dilation}, setting)));
      },
      py::arg("kind"), py::arg("input"), py::arg("kernel"), py::arg("stride") = 1,
      py::arg("dilation") = 1, py::arg("padding") = "valid", py::arg("output_padding") = py::none(),
      "one axis of a Keras layer in ONNX terms (padding 'same' or 'valid')");
  w.def(
      "onnx_to_torch",
      [](const std::string& kind, int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
         std::pair<int64_t, int64_t> pads, int64_t output_padding) {
        const weights::LayerKind k = kind_from(kind);
        const weights::TorchAxis t = value_or_raise(weights::torch_setting(
            k, onnx_axis(k, input, kernel, stride, dilation, pads, output_padding)));
        py::dict d;
        d["padding"] = t.padding;
        d["output_padding"] = t.output_padding;
        d["pad"] = py::make_tuple(t.pad_begin, t.pad_end);
        d["crop"] = py::make_tuple(t.crop_begin, t.crop_end);
        d["exact_alone"] = t.exact_alone();
        d["text"] = t.to_string(k);
        return d;
      },
      py::arg("kind"), py::arg("input"), py::arg("kernel"), py::arg("stride") = 1,
      py::arg("dilation") = 1, py::arg("pads") = std::pair<int64_t, int64_t>{0, 0},
      py::arg("output_padding") = 0,
      "the PyTorch setting that computes this ONNX axis exactly (with F.pad or a crop where the "
      "layer alone cannot)");
  w.def(
      "onnx_to_keras",
      [](const std::string& kind, int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
         std::pair<int64_t, int64_t> pads, int64_t output_padding) {
        const weights::LayerKind k = kind_from(kind);
        const weights::KerasAxis s = value_or_raise(weights::keras_setting(
            k, onnx_axis(k, input, kernel, stride, dilation, pads, output_padding)));
        py::dict d;
        d["padding"] = s.padding == weights::KerasPadding::kSame ? "same" : "valid";
        d["output_padding"] =
            s.output_padding ? py::object(py::int_(*s.output_padding)) : py::object(py::none());
        d["pad"] = py::make_tuple(s.pad_begin, s.pad_end);
        d["crop"] = py::make_tuple(s.crop_begin, s.crop_end);
        d["exact_alone"] = s.exact_alone();
        d["text"] = s.to_string(k);
        return d;
      },
      py::arg("kind"), py::arg("input"), py::arg("kernel"), py::arg("stride") = 1,
      py::arg("dilation") = 1, py::arg("pads") = std::pair<int64_t, int64_t>{0, 0},
      py::arg("output_padding") = 0,
      "the Keras setting that computes this ONNX axis exactly (with ZeroPadding/Cropping where "
      "the layer alone cannot)");
}
