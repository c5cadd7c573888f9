// Seeded random sweep: every Conv / ConvTranspose configuration the generator draws runs on the
// oneDNN backend and on the reference, and the two must agree. ctest runs this binary three
// times: as is, with ONEDNN_MAX_CPU_ISA=AVX2 and with SSE41 (other kernels, other layouts).
//
// Reproduce a failure: the message prints the seed and case; ORTL_SWEEP_SEED=<seed> reruns it.
// Override the number of cases per group with ORTL_SWEEP_CASES.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "conv_test_util.h"
#include "ort_lite/ops/conv_problem.h"

namespace ort_lite {
namespace {

using testing_util::SingleConvModel;

struct SweepGroup {
  const char* kind;  // "Conv" or "ConvTranspose"
  int rank;          // spatial dims
};

std::ostream& operator<<(std::ostream& os, const SweepGroup& g) {
  return os << g.kind << g.rank << "d";
}

uint32_t base_seed() {
  const char* env = std::getenv("ORTL_SWEEP_SEED");
  return env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261121u;
}

int cases_per_group(int rank) {
  const char* env = std::getenv("ORTL_SWEEP_CASES");
  if (env) return std::atoi(env);
  return rank == 3 ? 150 : 300;
}

// Draws one configuration. Sizes stay small so the reference stays fast; the ranges cover
// every attribute and every sign of every pad.
SingleConvModel draw(const SweepGroup& group, std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const bool transposed = std::string(group.kind) == "ConvTranspose";
  const int rank = group.rank;
  const int max_kernel = rank == 3 ? 3 : 4;
  const int max_input = rank == 3 ? 5 : (rank == 2 ? 7 : 12);

  int64_t groups = 1, in_per_group = uniform(1, 4), out_per_group = uniform(1, 4);
  switch (uniform(0, 3)) {
    case 0:
      break;
    case 1:
      groups = uniform(2, 3);
      break;
    case 2:  // depthwise, possibly with a channel multiplier
      groups = uniform(2, 6);
      in_per_group = 1;
      out_per_group = uniform(1, 2);
      break;
    default:
      break;
  }
  const int64_t batch = chance(0.25) ? uniform(2, 3) : 1;
  const int64_t c = groups * in_per_group, m = groups * out_per_group;

  SingleConvModel model;
  model.node.name = "sweep";
  model.node.op_type = group.kind;
  model.x_shape = {batch, c};
  Shape w_shape = transposed ? Shape{c, out_per_group} : Shape{m, in_per_group};
  std::vector<int64_t> strides, dilations, pads_begin, pads_end, output_padding, output_shape;
  for (int i = 0; i < rank; ++i) {
    const int64_t k = uniform(1, max_kernel);
    const int64_t s = uniform(1, 3);
    const int64_t d = chance(0.3) ? uniform(2, 3) : 1;
    const int64_t k_eff = (k - 1) * d + 1;
    const int lowest_input =
        transposed ? 1 : static_cast<int>(std::clamp<int64_t>(k_eff - 2, 1, max_input));
    const int64_t in = uniform(lowest_input, max_input);
    model.x_shape.push_back(in);
    w_shape.push_back(k);
    strides.push_back(s);
    dilations.push_back(d);
    const int lowest_pad = transposed && chance(0.1) ? -2 : 0;  // tf2onnx's negative pads
    pads_begin.push_back(uniform(lowest_pad, static_cast<int>(k_eff - 1)));
    pads_end.push_back(uniform(lowest_pad, static_cast<int>(k_eff - 1)));
    output_padding.push_back(transposed ? uniform(0, static_cast<int>(std::max(s, d) - 1)) : 0);
    const int64_t full = s * (in - 1) + k_eff;
    output_shape.push_back(std::max<int64_t>(1, full + uniform(-static_cast<int>(k_eff), 2 * s)));
  }
  auto& attrs = model.node.attributes;
  static const char* kAutoPads[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
  const char* auto_pad = chance(0.5) ? "NOTSET" : kAutoPads[uniform(0, 3)];
  if (std::string(auto_pad) != "NOTSET" || chance(0.3)) attrs["auto_pad"] = std::string(auto_pad);
  if (groups > 1 || chance(0.2)) attrs["group"] = groups;
  if (chance(0.8)) attrs["strides"] = strides;
  if (chance(0.8)) attrs["dilations"] = dilations;
  if (chance(0.5)) attrs["kernel_shape"] = std::vector<int64_t>(w_shape.begin() + 2, w_shape.end());
  std::vector<int64_t> pads = pads_begin;
  pads.insert(pads.end(), pads_end.begin(), pads_end.end());
  if (std::string(auto_pad) == "NOTSET" && chance(0.8)) attrs["pads"] = pads;
  if (transposed) {
    if (chance(0.5)) attrs["output_padding"] = output_padding;
    if (chance(0.25)) {
      if (chance(0.3)) output_shape.insert(output_shape.begin(), {batch, m});
      attrs["output_shape"] = output_shape;
    }
  }
  // Without explicit strides/dilations the drawn ones are not the ones in force: keep the
  // attributes honest by recording the defaults.
  model.weights = testing_util::random_tensor(w_shape, rng);
  if (chance(0.7)) model.bias = testing_util::random_tensor({m}, rng);
  model.weights_as_input = chance(0.15);
  return model;
}

std::string describe(const SingleConvModel& model) {
  std::vector<std::string> attrs;
  for (const auto& [name, value] : model.node.attributes) {
    if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) {
      attrs.push_back(fmt::format("{}=[{}]", name, fmt::join(*ints, ",")));
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      attrs.push_back(fmt::format("{}={}", name, *i));
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      attrs.push_back(fmt::format("{}={}", name, *s));
    }
  }
  return fmt::format("{} X {} W {}{}{} {}", model.node.op_type, shape_to_string(model.x_shape),
                     shape_to_string(model.weights.shape()), model.bias ? " +B" : "",
                     model.weights_as_input ? " (W as input)" : "", fmt::join(attrs, " "));
}

// Loads the model on `backend` and runs it on x; the first error, from either step.
Result<Tensor> load_and_run(const SingleConvModel& model, const Tensor& x, Backend backend) {
  SessionOptions options;
  options.backend = backend;
  ORTL_ASSIGN_OR_RETURN(auto session, Session::create(testing_util::make_graph(model), options));
  ORTL_ASSIGN_OR_RETURN(auto outputs, session->run(testing_util::feeds(model, x)));
  return outputs[0].tensor;
}

class ConvSweep : public testing::TestWithParam<SweepGroup> {};

TEST_P(ConvSweep, OneDnnMatchesReference) {
  const SweepGroup group = GetParam();
  const uint32_t seed = base_seed() + static_cast<uint32_t>(group.rank) * 7919u +
                        (std::string(group.kind) == "Conv" ? 0u : 104729u);
  std::mt19937 rng(seed);
  const int wanted = cases_per_group(group.rank);
  int ran = 0, refused = 0, embedded = 0;
  for (int attempt = 0; ran < wanted && attempt < wanted * 20; ++attempt) {
    SingleConvModel model = draw(group, rng);
    const std::string where = fmt::format("seed {} attempt {}: {}", seed, attempt, describe(model));
    const Tensor x = testing_util::random_tensor(model.x_shape, rng);
    auto expected = load_and_run(model, x, Backend::kReference);
    auto actual = load_and_run(model, x, Backend::kOneDnn);
    if (!expected.ok()) {
      // Drawn configurations can be invalid (output size < 1...). Both backends must refuse
      // them, with the same message (at load, or at the first run when the model has inputs
      // small enough to carry shape-setting values).
      ASSERT_FALSE(actual.ok()) << where;
      EXPECT_EQ(actual.status().message(), expected.status().message()) << where;
      ++refused;
      continue;
    }
    ASSERT_TRUE(actual.ok()) << where << ": " << actual.status().to_string();
    auto fast = Session::create(testing_util::make_graph(model), {});
    ASSERT_TRUE(fast.ok());
    auto report = (*fast)->describe(testing_util::feeds(model, x));
    ASSERT_TRUE(report.ok());
    embedded += report->at(0).implementation.find("bias-only border") != std::string::npos;
    const std::string diff = testing_util::compare(*actual, *expected, 1e-4, 1e-4);
    ASSERT_TRUE(diff.empty()) << where << "\n  " << report->at(0).implementation << "\n  " << diff;
    ++ran;
  }
  EXPECT_EQ(ran, wanted) << "the generator drew too many invalid configurations";
  // The sweep must exercise the refusals and the cases oneDNN cannot express directly too.
  if (group.kind == std::string("ConvTranspose") && wanted >= 40) {
    EXPECT_GT(embedded, 0);
  }
  RecordProperty("cases", ran);
  std::printf(
      "%s: %d configurations agree (%d drawn invalid and refused by both, %d with a "
      "bias-only border)\n",
      testing::PrintToString(group).c_str(), ran, refused, embedded);
}

INSTANTIATE_TEST_SUITE_P(Sweep, ConvSweep,
                         testing::Values(SweepGroup{"Conv", 1}, SweepGroup{"Conv", 2},
                                         SweepGroup{"Conv", 3}, SweepGroup{"ConvTranspose", 1},
                                         SweepGroup{"ConvTranspose", 2},
                                         SweepGroup{"ConvTranspose", 3}),
                         [](const auto& test) { return testing::PrintToString(test.param); });

}  // namespace
}  // namespace ort_lite
