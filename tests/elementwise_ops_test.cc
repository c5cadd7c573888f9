// ops/elementwise/: the corners ONNX's node tests lack. Broadcasting (size-1 dims on both
// sides, scalars, empty tensors, legacy opset-6 broadcasting), integer arithmetic at its limits,
// Cast's out-of-range rules, run-time Clip bounds, and the exact error messages.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ort_lite/graph.h"
#include "ort_lite/session.h"
#include "ort_lite/tensor.h"

namespace ort_lite {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

template <typename T>
Tensor make(Shape shape, std::vector<T> values) {
  Tensor t(*dtype_of<T>(), std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.element_count()), values.size());
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), t.byte_size());
  return t;
}
// std::vector<bool> has no data(): bools one byte each.
Tensor make_bool(Shape shape, std::vector<int> values) {
  Tensor t(DType::kBool, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i] != 0;
  return t;
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  auto v = t.values<T>();
  return {v.begin(), v.end()};
}

// One input of a one-node model: a graph input fed at run time, an initializer (known at
// prepare), or omitted ("" in the node's input list).
struct Input {
  Tensor value;
  enum Kind { kFed, kConstant, kOmitted } kind = kFed;
};
Input constant(Tensor t) { return {std::move(t), Input::kConstant}; }
Input omitted() { return {Tensor(), Input::kOmitted}; }

struct OneNode {
  std::string op;
  std::vector<Input> inputs;
  std::map<std::string, AttributeValue> attributes = {};
  int64_t opset = 17;
  std::optional<DType> output_dtype = std::nullopt;  // as the graph declares it
};

Graph make_graph(const OneNode& m) {
  Graph g;
  g.source = "in-memory test model";
  g.opsets[""] = m.opset;
  Node node;
  node.name = "n";
  node.op_type = m.op;
  node.opset = m.opset;
  node.attributes = m.attributes;
  node.outputs = {"Y"};
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    const Input& in = m.inputs[i];
    const std::string name = "in" + std::to_string(i);
    if (in.kind == Input::kOmitted) {
      node.inputs.push_back("");
      continue;
    }
    node.inputs.push_back(name);
    if (in.kind == Input::kConstant) {
      g.initializers[name] = in.value;
    } else {
      std::vector<Dim> dims;
      for (int64_t d : in.value.shape()) dims.push_back(Dim{d, ""});
      g.inputs.push_back(
          ValueInfo{name, in.value.dtype(), std::string(dtype_name(in.value.dtype())), dims});
    }
  }
  g.outputs.push_back(ValueInfo{"Y", m.output_dtype, "", std::nullopt});
  g.nodes.push_back(node);
  return g;
}

std::vector<NamedTensor> feeds(const OneNode& m) {
  std::vector<NamedTensor> out;
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    if (m.inputs[i].kind == Input::kFed) {
      out.push_back({"in" + std::to_string(i), m.inputs[i].value});
    }
  }
  return out;
}

Result<Tensor> run(const OneNode& m) {
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(make_graph(m)));
  ORTL_ASSIGN_OR_RETURN(auto outputs, session->run(feeds(m)));
  return outputs[0].tensor;
}

// The status of preparing the one-node model: at load, or at the first run when the runtime
// defers it (integer inputs, whose values it may use).
Status prepare_status(const OneNode& m) {
  Result<Tensor> y = run(m);
  return y.ok() ? Status::Ok() : y.status();
}

Tensor run_ok(const OneNode& m) {
  Result<Tensor> y = run(m);
  EXPECT_TRUE(y.ok()) << y.status().to_string();
  return y.ok() ? *y : Tensor();
}

// Float results within a few ulps; NaN matches NaN.
void expect_floats(const Tensor& y, const std::vector<float>& expected) {
  ASSERT_EQ(y.dtype(), DType::kFloat32);
  auto v = y.values<float>();
  ASSERT_EQ(v.size(), expected.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == expected[i]) continue;  // infinities included
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(v[i])) << "at " << i << ": " << v[i];
    } else {
      EXPECT_NEAR(v[i], expected[i], 1e-6 * std::max(1.0f, std::abs(expected[i]))) << "at " << i;
    }
  }
}

// --- Broadcasting --------------------------------------------------------------------------

// A plain six-loop reference of out[i, j, k] = a + b over (3, 1, 5) x (1, 4, 1) -> (3, 4, 5), on
// random data: size-1 dims on both sides.
TEST(Broadcast, SizeOneDimsOnBothSidesMatchNaiveLoops) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> a(15), b(4);
  for (float& v : a) v = dist(rng);
  for (float& v : b) v = dist(rng);
  Tensor y = run_ok({"Sub", {{make<float>({3, 1, 5}, a)}, {make<float>({1, 4, 1}, b)}}});
  ASSERT_EQ(y.shape(), (Shape{3, 4, 5}));
  std::vector<float> expected;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 5; ++k) expected.push_back(a[i * 5 + k] - b[j]);
  expect_floats(y, expected);
}

// Mixed strides that cannot be merged: (2, 3, 4) x (2, 1, 4) x (3, 1) in Where.
TEST(Broadcast, WhereBroadcastsAllThreeInputs) {
  std::vector<float> x(24), y(8);
  for (int i = 0; i < 24; ++i) x[i] = static_cast<float>(i);
  for (int i = 0; i < 8; ++i) y[i] = static_cast<float>(-i);
  Tensor out = run_ok(
      {"Where",
       {{make_bool({3, 1}, {1, 0, 1})}, {make<float>({2, 3, 4}, x)}, {make<float>({2, 1, 4}, y)}}});
  ASSERT_EQ(out.shape(), (Shape{2, 3, 4}));
  std::vector<float> expected;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int w = 0; w < 4; ++w)
        expected.push_back(c != 1 ? x[(n * 3 + c) * 4 + w] : y[n * 4 + w]);
  expect_floats(out, expected);
}

// int32 Add (our loop, never oneDNN's) over shapes whose dims alternate between the operands, so
// that nothing merges: small outputs take the serial walk, large ones the parallel one, and more
// than 8 outer dims the serial walk's fallback. Checked against index arithmetic.
TEST(Broadcast, EveryWalkMatchesIndexArithmetic) {
  auto element_count = [](const Shape& shape) {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  };
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{2, 3, 1, 5, 1, 7}, {1, 3, 4, 1, 6, 1}},                                // 5,040: serial
      {{4, 1, 64, 1, 33}, {1, 7, 1, 9, 1}},                                    // 532,224: parallel
      {{2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 3}, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1}},  // 10 outer dims
  };
  for (const auto& [a_shape, b_shape] : cases) {
    Shape out(a_shape.size());
    for (size_t d = 0; d < out.size(); ++d) out[d] = std::max(a_shape[d], b_shape[d]);
    std::vector<int32_t> a(static_cast<size_t>(element_count(a_shape)));
    std::vector<int32_t> b(static_cast<size_t>(element_count(b_shape)));
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int32_t>(i * 7 + 1);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int32_t>(i * 1000003);
    Tensor y = run_ok({"Add", {{make<int32_t>(a_shape, a)}, {make<int32_t>(b_shape, b)}}});
    ASSERT_EQ(y.shape(), out);
    const auto got = y.values<int32_t>();
    for (int64_t i = 0; i < element_count(out); ++i) {
      int64_t rest = i, a_offset = 0, b_offset = 0, a_stride = 1, b_stride = 1;
      for (size_t d = out.size(); d-- > 0;) {
        const int64_t index = rest % out[d];
        rest /= out[d];
        if (a_shape[d] != 1) a_offset += index * a_stride;
        if (b_shape[d] != 1) b_offset += index * b_stride;
        a_stride *= a_shape[d];
        b_stride *= b_shape[d];
      }
      ASSERT_EQ(got[static_cast<size_t>(i)],
                a[static_cast<size_t>(a_offset)] + b[static_cast<size_t>(b_offset)])
          << shape_to_string(out) << " at " << i;
    }
  }
}

TEST(Broadcast, ScalarsOnEitherSideAndBoth) {
  expect_floats(run_ok({"Div", {{make<float>({}, {6})}, {make<float>({3}, {1, 2, 3})}}}),
                {6, 3, 2});
  expect_floats(run_ok({"Div", {{make<float>({3}, {1, 2, 3})}, {make<float>({}, {2})}}}),
                {0.5f, 1, 1.5f});
  Tensor y = run_ok({"Mul", {{make<float>({}, {3})}, {make<float>({}, {4})}}});
  EXPECT_EQ(y.shape(), Shape{});
  expect_floats(y, {12});
  // A [1, 1] operand with a rank-0 one: rank grows, every dim is 1.
  EXPECT_EQ(run_ok({"Add", {{make<float>({1, 1}, {1})}, {make<float>({}, {2})}}}).shape(),
            (Shape{1, 1}));
}

TEST(Broadcast, EmptyTensors) {
  Tensor y = run_ok({"Add", {{make<float>({0, 3}, {})}, {make<float>({1, 3}, {1, 2, 3})}}});
  EXPECT_EQ(y.shape(), (Shape{0, 3}));
  // A 0-sized dim meets a 1: the output is empty too.
  EXPECT_EQ(
      run_ok({"Equal", {{make<int64_t>({2, 0}, {})}, {make<int64_t>({2, 1}, {1, 2})}}}).shape(),
      (Shape{2, 0}));
  EXPECT_EQ(run_ok({"Relu", {{make<float>({0}, {})}}}).shape(), (Shape{0}));
}

TEST(Broadcast, IncompatibleShapesAreAnInvalidArgument) {
  Status s = prepare_status(
      {"Add",
       {{make<float>({2, 3}, std::vector<float>(6))}, {make<float>({4}, std::vector<float>(4))}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Add 'n': shapes [2, 3], [4] cannot be broadcast together");
}

// Declared shapes only (nothing allocated): an output whose size overflows int64 is refused
// at prepare.
TEST(Broadcast, OverflowingOutputIsRefused) {
  Graph g = make_graph({"Add", {{make<float>({1, 1}, {0})}, {make<float>({1, 1}, {0})}}});
  const int64_t big = int64_t{1} << 40;
  g.inputs[0].shape = std::vector<Dim>{Dim{big, ""}, Dim{1, ""}};
  g.inputs[1].shape = std::vector<Dim>{Dim{1, ""}, Dim{big, ""}};
  auto session = Session::create(g);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(session.status().message(),
            "Add 'n': shape [1099511627776, 1099511627776] has too many elements");
}

TEST(Broadcast, PreparedOnceRunTwiceWithNewValues) {
  OneNode m{"Add", {{make<int64_t>({2, 1}, {1, 2})}, {make<int64_t>({3}, {10, 20, 30})}}};
  auto session = Session::create(make_graph(m));
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  auto first = (*session)->run(feeds(m));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(values_of<int64_t>((*first)[0].tensor), (std::vector<int64_t>{11, 21, 31, 12, 22, 32}));
  m.inputs[0].value = make<int64_t>({2, 1}, {-1, 5});
  auto second = (*session)->run(feeds(m));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(values_of<int64_t>((*second)[0].tensor), (std::vector<int64_t>{9, 19, 29, 15, 25, 35}));
}

// Two initializers: the runtime folds the node at prepare by running the kernel once.
TEST(Broadcast, ConstantInputsAreFolded) {
  Tensor y =
      run_ok({"Mul", {constant(make<int64_t>({2}, {3, 4})), constant(make<int64_t>({}, {-2}))}});
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{-6, -8}));
}

// --- Legacy (opset < 7) broadcasting -------------------------------------------------------

TEST(LegacyBroadcast, AxisPlacesBAmongAsDims) {
  // A (2, 3, 2), B (3) from axis 1: B[j] is added along the middle axis.
  std::vector<float> a(12, 0.0f);
  Tensor y = run_ok({"Add",
                     {{make<float>({2, 3, 2}, a)}, {make<float>({3}, {1, 2, 3})}},
                     {{"broadcast", int64_t{1}}, {"axis", int64_t{1}}},
                     6});
  expect_floats(y, {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3});
  // Without axis, B's dims are A's last ones.
  Tensor z = run_ok({"Mul",
                     {{make<float>({2, 3}, {1, 2, 3, 4, 5, 6})}, {make<float>({3}, {1, 0, -1})}},
                     {{"broadcast", int64_t{1}}},
                     6});
  expect_floats(z, {1, 0, -3, 4, 0, -6});
}

TEST(LegacyBroadcast, Errors) {
  const Tensor a = make<float>({2, 3}, std::vector<float>(6));
  const Tensor b = make<float>({2}, {1, 2});
  Status s = prepare_status({"Add", {{a}, {b}}, {}, 6});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Add 'n': A [2, 3] and B [2] must have the same shape: opset 6 broadcasts only with "
            "attribute 'broadcast' = 1");
  s = prepare_status({"Add", {{a}, {b}}, {{"broadcast", int64_t{1}}, {"axis", int64_t{1}}}, 6});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Add 'n': B [2] does not broadcast to A [2, 3] from axis 1: dim 0 is 2, A has 3");
  s = prepare_status({"Sub", {{a}, {b}}, {{"broadcast", int64_t{1}}, {"axis", int64_t{2}}}, 6});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(),
            "Sub 'n': attribute 'axis': 2: B [2] must fit in A [2, 3] from this axis (allowed 0 "
            "to 1)");
  s = prepare_status({"Sub", {{a}, {b}}, {{"broadcast", int64_t{2}}}, 6});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "Sub 'n': attribute 'broadcast': 2 must be 0 or 1");
}

TEST(LegacyBroadcast, AttributesBelongToTheirOpsets) {
  const Tensor a = make<float>({2}, {1, 2});
  // consumed_inputs: opsets 1-5 only; broadcast: up to 6 only.
  EXPECT_TRUE(
      prepare_status({"Add", {{a}, {a}}, {{"consumed_inputs", std::vector<int64_t>{0}}}, 5}).ok());
  Status s = prepare_status({"Add", {{a}, {a}}, {{"consumed_inputs", std::vector<int64_t>{0}}}, 6});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(),
            "Add 'n': attribute 'consumed_inputs': is not an attribute of Add (known: axis, "
            "broadcast)");
  s = prepare_status({"Add", {{a}, {a}}, {{"broadcast", int64_t{1}}}, 7});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "Add 'n': attribute 'broadcast': is not an attribute of Add (known: )");
}

// --- Integer arithmetic --------------------------------------------------------------------

TEST(IntegerArithmetic, WrapsAndDividesWithoutTrapping) {
  const int32_t min = std::numeric_limits<int32_t>::min();
  const int32_t max = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(
      values_of<int32_t>(run_ok({"Add", {{make<int32_t>({1}, {max})}, {make<int32_t>({1}, {1})}}})),
      std::vector<int32_t>{min});
  EXPECT_EQ(values_of<int32_t>(run_ok({"Div",
                                       {{make<int32_t>({5}, {-7, 7, 5, min, 9})},
                                        {make<int32_t>({5}, {2, -2, 0, -1, 3})}}})),
            (std::vector<int32_t>{-3, -3, 0, min, 3}));
  EXPECT_EQ(values_of<uint8_t>(
                run_ok({"Sub", {{make<uint8_t>({2}, {1, 200})}, {make<uint8_t>({2}, {2, 100})}}})),
            (std::vector<uint8_t>{255, 100}));
  EXPECT_EQ(
      values_of<int8_t>(run_ok({"Mul", {{make<int8_t>({1}, {64})}, {make<int8_t>({1}, {4})}}})),
      std::vector<int8_t>{0});
  EXPECT_EQ(values_of<int32_t>(run_ok({"Neg", {{make<int32_t>({2}, {min, 5})}}})),
            (std::vector<int32_t>{min, -5}));
  EXPECT_EQ(values_of<int8_t>(run_ok({"Abs", {{make<int8_t>({3}, {-128, -3, 4})}}})),
            (std::vector<int8_t>{-128, 3, 4}));
  EXPECT_EQ(values_of<int64_t>(run_ok({"Relu", {{make<int64_t>({2}, {-3, 3})}}})),
            (std::vector<int64_t>{0, 3}));
}

TEST(Pow, MixedBaseAndExponentTypes) {
  // Integer base, integer exponent: exact even where double is not (3^39 > 2^53).
  EXPECT_EQ(
      values_of<int64_t>(run_ok(
          {"Pow", {{make<int64_t>({4}, {3, 2, -2, 5})}, {make<int64_t>({4}, {39, 10, 3, 0})}}})),
      (std::vector<int64_t>{4052555153018976267, 1024, -8, 1}));
  // Negative exponents: 0 unless |base| = 1.
  EXPECT_EQ(
      values_of<int32_t>(run_ok(
          {"Pow", {{make<int32_t>({4}, {2, 1, -1, 0})}, {make<int8_t>({4}, {-1, -5, -3, -2})}}})),
      (std::vector<int32_t>{0, 1, -1, 0}));
  // Integer base, float exponent: converted as Cast does (truncation).
  EXPECT_EQ(values_of<int32_t>(
                run_ok({"Pow", {{make<int32_t>({2}, {2, 10})}, {make<float>({2}, {0.5f, -1})}}})),
            (std::vector<int32_t>{1, 0}));
  // Float base, int64 exponent.
  expect_floats(run_ok({"Pow", {{make<float>({3}, {2, -3, 0.5f})}, {make<int64_t>({}, {3})}}}),
                {8, -27, 0.125f});
  Status s = prepare_status({"Pow", {{make<uint8_t>({1}, {2})}, {make<uint8_t>({1}, {2})}}});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(),
            "Pow 'n': input 0 ('in0', X) is uint8; supported: float32, float64, int32, int64");
}

TEST(Equal, FloatsBoolsAndTypeMismatch) {
  Tensor y =
      run_ok({"Equal", {{make<float>({3}, {1, kNaN, -0.0f})}, {make<float>({3}, {1, kNaN, 0})}}});
  ASSERT_EQ(y.dtype(), DType::kBool);
  EXPECT_EQ(values_of<bool>(y), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(values_of<bool>(run_ok({"Equal", {{make_bool({2}, {1, 0})}, {make_bool({}, {0})}}})),
            (std::vector<bool>{false, true}));
  Status s = prepare_status({"Equal", {{make<int32_t>({1}, {1})}, {make<int64_t>({1}, {1})}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(),
            "Equal 'n': inputs 'in0' (int32) and 'in1' (int64) must have the same type");
}

// --- PRelu ---------------------------------------------------------------------------------

TEST(PRelu, SlopeBroadcastsOneWayOnly) {
  const Tensor x = make<float>({2, 2}, {-1, 2, -3, 4});
  expect_floats(run_ok({"PRelu", {{x}, {make<float>({2}, {0.5f, 0.25f})}}}), {-0.5f, 2, -1.5f, 4});
  Status s =
      prepare_status({"PRelu", {{make<float>({2}, {-1, 1})}, {make<float>({2, 2}, {1, 1, 1, 1})}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "PRelu 'n': slope [2, 2] does not broadcast to X [2] (X's shape must not change)");
}

// Opset 6 (PyTorch's exports): a 1-D slope of C values applies along axis 1.
TEST(PRelu, LegacyChannelSlope) {
  std::vector<float> x(2 * 3 * 2, -1.0f);
  Tensor y = run_ok({"PRelu", {{make<float>({2, 3, 2}, x)}, {make<float>({3}, {1, 2, 3})}}, {}, 6});
  expect_floats(y, {-1, -1, -2, -2, -3, -3, -1, -1, -2, -2, -3, -3});
  // From opset 7 the same slope aligns with the last axis, where it does not fit.
  EXPECT_EQ(prepare_status({"PRelu", {{make<float>({2, 3, 2}, x)}, {make<float>({3}, {1, 2, 3})}}})
                .code(),
            StatusCode::kInvalidArgument);
}

// --- Clip ----------------------------------------------------------------------------------

TEST(Clip, RunTimeBoundsAndEdgeValues) {
  const Tensor x = make<float>({5}, {-kInf, -1, 0.5f, kNaN, kInf});
  // min and max fed at run time (not constants).
  expect_floats(run_ok({"Clip", {{x}, {make<float>({}, {-0.5f})}, {make<float>({1}, {0.7f})}}}),
                {-0.5f, -0.5f, 0.5f, kNaN, 0.7f});
  // An omitted min, and no bounds at all: infinities stay.
  expect_floats(run_ok({"Clip", {{x}, omitted(), {make<float>({}, {0})}}}),
                {-kInf, -1, 0, kNaN, 0});
  expect_floats(run_ok({"Clip", {{x}}}), {-kInf, -1, 0.5f, kNaN, kInf});
  // min > max: everything becomes max.
  expect_floats(
      run_ok(
          {"Clip", {{make<float>({2}, {-5, 5})}, {make<float>({}, {2})}, {make<float>({}, {1})}}}),
      {1, 1});
  EXPECT_EQ(values_of<int64_t>(run_ok({"Clip",
                                       {{make<int64_t>({3}, {-9, 4, 9})},
                                        constant(make<int64_t>({}, {-2})),
                                        constant(make<int64_t>({}, {5}))}})),
            (std::vector<int64_t>{-2, 4, 5}));
}

TEST(Clip, AttributesBeforeOpset11) {
  expect_floats(
      run_ok({"Clip", {{make<float>({3}, {-2, 0, 2})}}, {{"min", -1.0f}, {"max", 1.0f}}, 6}),
      {-1, 0, 1});
  expect_floats(run_ok({"Clip", {{make<float>({2}, {-kInf, 3})}}, {{"max", 1.0f}}, 10}),
                {-kInf, 1});
  Status s = prepare_status({"Clip", {{make<float>({1}, {0})}}, {{"min", 0.0f}}, 11});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "Clip 'n': attribute 'min': is not an attribute of Clip (known: )");
}

TEST(Clip, BoundErrors) {
  const Tensor x = make<float>({2}, {0, 1});
  Status s = prepare_status({"Clip", {{x}, {make<float>({2}, {0, 1})}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Clip 'n': input 1 ('in1', min) has shape [2]; it must be a scalar");
  s = prepare_status({"Clip", {{x}, omitted(), {make<double>({}, {1})}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(),
            "Clip 'n': input 2 ('in2', max) is float64; it must have the type of input (float32)");
}

// --- Cast ----------------------------------------------------------------------------------

OneNode cast_to(int64_t to, Tensor x, int64_t opset = 17) {
  return {"Cast", {{std::move(x)}}, {{"to", to}}, opset};
}
constexpr int64_t kToFloat = 1, kToUInt8 = 2, kToInt8 = 3, kToInt32 = 6, kToInt64 = 7,
                  kToString = 8, kToBool = 9, kToFloat16 = 10, kToDouble = 11;

TEST(Cast, FloatToIntegerTruncatesAndSaturates) {
  const Tensor x = make<float>({7}, {-2.7f, 2.7f, kNaN, 300, -300, kInf, -kInf});
  EXPECT_EQ(values_of<int8_t>(run_ok(cast_to(kToInt8, x))),
            (std::vector<int8_t>{-2, 2, 0, 127, -128, 127, -128}));
  EXPECT_EQ(values_of<uint8_t>(run_ok(cast_to(kToUInt8, x))),
            (std::vector<uint8_t>{0, 2, 0, 255, 0, 255, 0}));
  EXPECT_EQ(values_of<int64_t>(run_ok(cast_to(kToInt64, make<float>({2}, {1e19f, -1e19f})))),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::max(),
                                  std::numeric_limits<int64_t>::min()}));
  EXPECT_EQ(values_of<int32_t>(
                run_ok(cast_to(kToInt32, make<double>({2}, {2147483647.9, -2147483648.9})))),
            (std::vector<int32_t>{2147483647, -2147483648}));
}

TEST(Cast, IntegersBoolsAndHalves) {
  // Narrowing keeps the low bits.
  EXPECT_EQ(values_of<int8_t>(run_ok(cast_to(kToInt8, make<int64_t>({3}, {300, -129, 5})))),
            (std::vector<int8_t>{44, 127, 5}));
  EXPECT_EQ(values_of<bool>(run_ok(cast_to(kToBool, make<float>({3}, {0, -0.5f, kNaN})))),
            (std::vector<bool>{false, true, true}));
  expect_floats(run_ok(cast_to(kToFloat, make_bool({2}, {1, 0}))), {1, 0});
  EXPECT_EQ(values_of<double>(run_ok(cast_to(kToDouble, make<int32_t>({1}, {-7})))),
            std::vector<double>{-7});
  // float16: the runtime computes `to` = FLOAT16 in float32 and narrows the graph output;
  // opsets 1-5 name the type, which reaches Cast's own float16 conversion.
  for (OneNode m : {cast_to(kToFloat16, make<float>({2}, {1.0f / 3, 65504})),
                    OneNode{"Cast",
                            {{make<float>({2}, {1.0f / 3, 65504})}},
                            {{"to", std::string("FLOAT16")}},
                            5}}) {
    m.output_dtype = DType::kFloat16;
    Tensor h = run_ok(m);
    ASSERT_EQ(h.dtype(), DType::kFloat16);
    EXPECT_EQ(half_to_float(static_cast<const uint16_t*>(h.raw_data())[0]), 0.333251953125f);
    EXPECT_EQ(half_to_float(static_cast<const uint16_t*>(h.raw_data())[1]), 65504.0f);
  }
}

// A float16 tensor reaches an op only from an opset-5 Cast naming FLOAT16: cast it back.
TEST(Cast, FromFloat16) {
  OneNode m{"Cast", {{make<float>({3}, {0.1f, -2, 70000})}}, {{"to", std::string("FLOAT16")}}, 5};
  Graph g = make_graph(m);
  g.nodes[0].outputs = {"H"};
  Node back = g.nodes[0];
  back.name = "back";
  back.inputs = {"H"};
  back.outputs = {"Y"};
  back.attributes["to"] = std::string("DOUBLE");
  g.nodes.push_back(back);
  auto session = Session::create(g);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  auto y = (*session)->run(feeds(m));
  ASSERT_TRUE(y.ok()) << y.status().to_string();
  EXPECT_EQ(values_of<double>((*y)[0].tensor),
            (std::vector<double>{0.0999755859375, -2, std::numeric_limits<double>::infinity()}));
}

TEST(Cast, TheToAttribute) {
  const Tensor x = make<float>({1}, {1.5f});
  // Opsets 1-5 name the type.
  Tensor y = run_ok({"Cast", {{x}}, {{"to", std::string("INT32")}}, 5});
  EXPECT_EQ(values_of<int32_t>(y), std::vector<int32_t>{1});
  Status s = prepare_status(cast_to(kToString, x));
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(),
            "Cast 'n': attribute 'to': 8 (STRING): ort-lite holds only float32, float64, "
            "float16, int8, uint8, int32, int64 and bool");
  s = prepare_status(cast_to(99, x));
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "Cast 'n': attribute 'to': 99 is not an ONNX element type");
  s = prepare_status({"Cast", {{x}}, {{"to", std::string("FLOAT")}}, 6});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "Cast 'n': attribute 'to': must be an int, got a string");
  s = prepare_status({"Cast", {{x}}, {}, 13});
  EXPECT_EQ(s.message(), "Cast 'n': attribute 'to': is required");
  // saturate exists from opset 19.
  EXPECT_TRUE(
      prepare_status({"Cast", {{x}}, {{"to", kToInt32}, {"saturate", int64_t{0}}}, 19}).ok());
  s = prepare_status({"Cast", {{x}}, {{"to", kToInt32}, {"saturate", int64_t{0}}}, 18});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "Cast 'n': attribute 'saturate': is not an attribute of Cast (known: to)");
}

TEST(Cast, CastLikeTakesTheSecondInputsType) {
  Tensor y =
      run_ok({"CastLike", {{make<float>({2}, {-1.5f, 7.9f})}, {make<int64_t>({0}, {})}}, {}, 15});
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{-1, 7}));
}

// --- Unary ops -----------------------------------------------------------------------------

TEST(Unary, ValuesAtTheEdges) {
  const Tensor x = make<float>({5}, {-100, -1, 0, 1, 100});
  expect_floats(run_ok({"Sigmoid", {{x}}}), {3.7200760e-44f, 0.26894142f, 0.5f, 0.73105858f, 1});
  expect_floats(run_ok({"Softplus", {{x}}}), {0, 0.31326169f, 0.69314718f, 1.3132616f, 100});
  expect_floats(run_ok({"Relu", {{make<float>({2}, {kNaN, -1})}}}), {kNaN, 0});
  expect_floats(run_ok({"LeakyRelu", {{x}}}), {-1, -0.01f, 0, 1, 100});
  expect_floats(run_ok({"Elu", {{x}}, {{"alpha", 2.0f}}}), {-2, -1.2642411f, 0, 1, 100});
  expect_floats(run_ok({"HardSwish", {{make<float>({4}, {-4, -1, 1, 4})}}}),
                {0, -1.0f / 3, 2.0f / 3, 4});
  expect_floats(run_ok({"HardSigmoid", {{make<float>({4}, {-3, 0, 3, kNaN})}}}),
                {0, 0.5f, 1, kNaN});
  expect_floats(run_ok({"Log", {{make<float>({3}, {-1, 0, 1})}}}), {kNaN, -kInf, 0});
}

TEST(Unary, Gelu) {
  const Tensor x = make<float>({3}, {-1, 0, 2});
  expect_floats(run_ok({"Gelu", {{x}}, {}, 20}), {-0.15865525f, 0, 1.9544997f});
  expect_floats(run_ok({"Gelu", {{x}}, {{"approximate", std::string("tanh")}}, 20}),
                {-0.15880801f, 0, 1.9545977f});
  Status s = prepare_status({"Gelu", {{x}}, {{"approximate", std::string("fast")}}, 20});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "Gelu 'n': attribute 'approximate': 'fast' is not one of none, tanh");
}

TEST(Unary, Errors) {
  Status s =
      prepare_status({"LeakyRelu", {{make<float>({1}, {1})}}, {{"alpha", std::string("a")}}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "LeakyRelu 'n': attribute 'alpha': must be a float, got a string");
  s = prepare_status({"Sigmoid", {{make<int32_t>({1}, {1})}}});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "Sigmoid 'n': input 0 ('in0', X) is int32; supported: float32, float64");
  s = prepare_status({"Elu", {{make<float>({1}, {1})}}, {{"gamma", 1.0f}}});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "Elu 'n': attribute 'gamma': is not an attribute of Elu (known: alpha)");
  // consumed_inputs is an attribute of opsets 1-5 only.
  EXPECT_TRUE(
      prepare_status(
          {"Relu", {{make<float>({1}, {1})}}, {{"consumed_inputs", std::vector<int64_t>{0}}}, 1})
          .ok());
  EXPECT_FALSE(
      prepare_status(
          {"Relu", {{make<float>({1}, {1})}}, {{"consumed_inputs", std::vector<int64_t>{0}}}, 6})
          .ok());
}

TEST(Unary, Float64) {
  Tensor y = run_ok({"Tanh", {{make<double>({2}, {0.5, -2})}}});
  ASSERT_EQ(y.dtype(), DType::kFloat64);
  EXPECT_DOUBLE_EQ(y.values<double>()[0], std::tanh(0.5));
  EXPECT_DOUBLE_EQ(y.values<double>()[1], std::tanh(-2.0));
}

}  // namespace
}  // namespace ort_lite
