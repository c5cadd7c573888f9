// Seeded random sweep over the whole valid space of Conv / ConvTranspose: every configuration
// the generator draws runs on the oneDNN backend and on the reference, and the two must agree;
// a drawn configuration that is invalid must be refused by both with the same message. ctest
// runs this binary three times: as is, with ONEDNN_MAX_CPU_ISA=AVX2 and with SSE41 (other
// kernels, other layouts).
//
// Each case is drawn with one focus (a corner of the space the sweep must reach on purpose:
// output axes no input reaches, negative pads beyond the input, output_padding >= stride,
// output_shape off the natural size, kernel < stride, kernel past the input, size-1 axes,
// batch with groups, attributes near the int32/int64 limits), and then classified by what it
// really is; the summary counts each class, so a generator that stops reaching one shows.
//
// Reproduce a failure: the message prints the seed and attempt; ORTL_SWEEP_SEED=<seed> reruns
// the sweep. ORTL_SWEEP_SCALE=<n> multiplies the number of cases (100 for the long run);
// ORTL_SWEEP_TRACE=1 prints each case to stderr before it runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "conv_test_util.h"
#include "ort_lite/ops/conv_problem.h"
#include "test_options.h"

namespace ort_lite {
namespace {

using testing_util::SingleConvModel;

struct SweepGroup {
  const char* kind;  // "Conv" or "ConvTranspose"
  int rank;          // spatial dims
  bool transposed() const { return std::string(kind) == "ConvTranspose"; }
};

std::ostream& operator<<(std::ostream& os, const SweepGroup& g) {
  return os << g.kind << g.rank << "d";
}

uint32_t base_seed() {
  const char* env = std::getenv("ORTL_SWEEP_SEED");
  return env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261121u;
}

int cases_per_group(int rank) {
  const char* env = std::getenv("ORTL_SWEEP_SCALE");
  const int scale = env ? std::max(1, std::atoi(env)) : 1;
  return (rank == 3 ? 500 : 1000) * scale;
}

// What a case is drawn to exercise.
enum class Focus {
  kPlain,
  kEmptyAxis,                // ConvTranspose: an output axis no input value reaches
  kNegativePads,             // ConvTranspose: pads down to beyond the input
  kOutputPaddingPastStride,  // ConvTranspose: stride <= output_padding < dilation
  kOutputShape,              // ConvTranspose: output_shape above and below the natural size
  kKernelBelowStride,
  kKernelPastInput,
  kSizeOne,
  kBatchGroups,
  kNearLimits,  // one attribute near the int32 or int64 limit
};
constexpr int kFocusCount = 10;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kLimitValues[] = {
    (int64_t{1} << 31) - 1, int64_t{1} << 31, int64_t{1} << 32, int64_t{1} << 40,
    int64_t{1} << 62,       kInt64Max - 1,    kInt64Max};

struct Drawn {
  SingleConvModel model;
  Focus focus = Focus::kPlain;
};

// Draws one configuration. Sizes stay small so the reference stays fast.
Drawn draw(const SweepGroup& group, std::mt19937& rng) {
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const bool transposed = group.transposed();
  const int rank = group.rank;
  const int64_t max_kernel = rank == 3 ? 3 : 4;
  const int64_t max_input = rank == 3 ? 5 : (rank == 2 ? 7 : 12);

  Focus focus = static_cast<Focus>(uniform(0, kFocusCount - 1));
  const bool deconv_only = focus == Focus::kEmptyAxis || focus == Focus::kNegativePads ||
                           focus == Focus::kOutputPaddingPastStride || focus == Focus::kOutputShape;
  if (deconv_only && !transposed) focus = Focus::kPlain;
  // The focus applies to one axis (or, for size 1, to some axes); the others are plain.
  const int focus_axis = static_cast<int>(uniform(0, rank - 1));

  int64_t groups = 1, in_per_group = uniform(1, 4), out_per_group = uniform(1, 4);
  switch (uniform(0, 3)) {
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
  int64_t batch = chance(0.25) ? uniform(2, 3) : 1;
  if (focus == Focus::kBatchGroups) {
    batch = uniform(2, 3);
    groups = uniform(2, 4);
  }
  const int64_t c = groups * in_per_group, m = groups * out_per_group;

  Drawn drawn;
  drawn.focus = focus;
  SingleConvModel& model = drawn.model;
  model.node.name = "sweep";
  model.node.op_type = group.kind;
  model.x_shape = {batch, c};
  Shape w_shape = transposed ? Shape{c, out_per_group} : Shape{m, in_per_group};
  std::vector<int64_t> strides, dilations, pads_begin, pads_end, output_padding, output_shape;
  bool force_pads = false, force_output_shape = false, force_output_padding = false;
  for (int i = 0; i < rank; ++i) {
    const bool focused = i == focus_axis;
    int64_t k = uniform(1, max_kernel);
    int64_t s = uniform(1, 3);
    int64_t d = chance(0.3) ? uniform(2, 3) : 1;
    if (focused && focus == Focus::kKernelBelowStride) s = k + uniform(1, 3);
    if (focused && focus == Focus::kOutputPaddingPastStride) {
      s = uniform(1, 2);
      d = s + uniform(1, 2);
      if (k == 1) k = 2;
    }
    int64_t k_eff = (k - 1) * d + 1;
    const int64_t lowest_input = transposed ? 1 : std::clamp<int64_t>(k_eff - 2, 1, max_input);
    int64_t in = uniform(lowest_input, max_input);
    if (focus == Focus::kSizeOne && (focused || chance(0.5))) {
      in = 1;
      if (chance(0.5)) k = 1, k_eff = 1;
    }
    if (focused && focus == Focus::kKernelPastInput) {
      in = std::max<int64_t>(1, k_eff - uniform(1, 3));  // conv: valid only when pads cover it
    }
    const int64_t full = s * (in - 1) + k_eff;
    int64_t pb = uniform(transposed && chance(0.1) ? -2 : 0, k_eff - 1);
    int64_t pe = uniform(transposed && chance(0.1) ? -2 : 0, k_eff - 1);
    int64_t op = transposed ? uniform(0, std::max(s, d) - 1) : 0;
    int64_t out_size = std::max<int64_t>(1, full + uniform(-k_eff, 2 * s));
    if (focused && focus == Focus::kOutputPaddingPastStride) {
      op = uniform(s, d - 1);
      force_output_padding = true;
    }
    if (focused && focus == Focus::kNegativePads) {
      pb = uniform(-(in + 3), k_eff - 1);
      pe = uniform(-(in + 3), k_eff - 1);
      force_pads = true;
    }
    if (focused && focus == Focus::kEmptyAxis) {
      // Every computed value cropped at one end, the output extended at the other: with
      // output = full + op - pads_begin - pads_end = extent.
      const int64_t beyond = uniform(0, 2), extent = uniform(1, 3);
      if (chance(0.5)) {
        pb = full + beyond;
        pe = op - beyond - extent;
      } else {
        pe = full + beyond + op;
        pb = -beyond - extent;
      }
      force_pads = true;
    }
    if (focused && focus == Focus::kOutputShape) {
      const int64_t natural = full + op;
      out_size = chance(0.5) ? natural + uniform(1, 2 * s + k_eff)
                             : std::max<int64_t>(1, natural - uniform(1, natural));
      force_output_shape = true;
    }
    if (focused && focus == Focus::kNearLimits) {
      const int64_t big = kLimitValues[uniform(0, std::size(kLimitValues) - 1)];
      switch (uniform(0, 5)) {
        case 0:  // a stride over one output (Conv) or input (ConvTranspose) cell: valid
          s = big;
          if (transposed) in = chance(0.7) ? 1 : in;
          op = transposed ? uniform(0, 3) : 0;
          break;
        case 1:  // a dilation over a kernel of one: valid; over more, the extent is huge
          d = big;
          if (chance(0.7)) k = 1;
          break;
        case 2:  // huge pads: refused, or valid with a stride as large
          pb = chance(0.5) ? big : -big;
          if (chance(0.5)) s = big;
          force_pads = true;
          break;
        case 3:
          pe = big;
          force_pads = true;
          break;
        case 4:  // output_padding below a huge stride or dilation
          if (transposed) {
            s = big;
            op = big - 1 - uniform(0, 2);
            force_output_padding = true;
          }
          break;
        default:  // output_shape huge: refused by the size checks
          out_size = big;
          force_output_shape = transposed;
          break;
      }
    }
    model.x_shape.push_back(in);
    w_shape.push_back(k);
    strides.push_back(s);
    dilations.push_back(d);
    pads_begin.push_back(pb);
    pads_end.push_back(pe);
    output_padding.push_back(op);
    output_shape.push_back(out_size);
  }
  auto& attrs = model.node.attributes;
  static const char* kAutoPads[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
  std::string auto_pad = chance(0.5) ? "NOTSET" : kAutoPads[uniform(0, 3)];
  if (force_pads) auto_pad = "NOTSET";
  if (auto_pad != "NOTSET" || chance(0.3)) attrs["auto_pad"] = auto_pad;
  if (groups > 1 || chance(0.2)) attrs["group"] = groups;
  const bool big_values = focus == Focus::kNearLimits || focus == Focus::kKernelBelowStride ||
                          focus == Focus::kOutputPaddingPastStride;
  // Attributes left out must equal their defaults, or the drawn geometry is not the one in force.
  auto all_equal = [](const std::vector<int64_t>& v, int64_t x) {
    return std::all_of(v.begin(), v.end(), [&](int64_t e) { return e == x; });
  };
  if (big_values || chance(0.8) || !all_equal(strides, 1)) attrs["strides"] = strides;
  if (big_values || chance(0.8) || !all_equal(dilations, 1)) attrs["dilations"] = dilations;
  if (chance(0.5)) attrs["kernel_shape"] = std::vector<int64_t>(w_shape.begin() + 2, w_shape.end());
  std::vector<int64_t> pads = pads_begin;
  pads.insert(pads.end(), pads_end.begin(), pads_end.end());
  if (auto_pad == "NOTSET" && (force_pads || chance(0.8))) attrs["pads"] = pads;
  if (transposed) {
    if (force_output_padding || big_values || chance(0.5)) attrs["output_padding"] = output_padding;
    if (force_output_shape || chance(0.2)) {
      if (chance(0.3)) output_shape.insert(output_shape.begin(), {batch, m});
      attrs["output_shape"] = output_shape;
    }
  }
  model.weights = testing_util::random_tensor(w_shape, rng);
  if (chance(0.7)) model.bias = testing_util::random_tensor({m}, rng);
  model.weights_as_input = chance(0.15);
  return drawn;
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

// The classes a valid case belongs to, from its resolved geometry (what it is, not what it was
// drawn for).
std::vector<std::string> classes_of(const SingleConvModel& model, const conv::ConvProblem& p) {
  std::vector<std::string> classes;
  auto add = [&](bool yes, const char* name) {
    if (yes && std::find(classes.begin(), classes.end(), name) == classes.end()) {
      classes.push_back(name);
    }
  };
  const auto& attrs = model.node.attributes;
  const bool has_output_shape = attrs.count("output_shape") > 0;
  std::vector<int64_t> op;
  if (auto it = attrs.find("output_padding"); it != attrs.end()) {
    op = std::get<std::vector<int64_t>>(it->second);
  }
  const bool transposed = p.kind == conv::ConvKind::kConvTranspose;
  for (size_t i = 0; i < p.axes.size(); ++i) {
    const conv::AxisGeometry& a = p.axes[i];
    const int64_t output_padding = op.empty() ? 0 : op[i];
    add(a.kernel < a.stride, "kernel < stride");
    add(a.input == 1 || a.output == 1 || a.kernel == 1, "size-1 axis");
    constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
    add(a.stride >= kInt32Max || a.dilation >= kInt32Max || a.pads_begin >= kInt32Max ||
            a.pads_begin <= -kInt32Max || a.pads_end >= kInt32Max || a.pads_end <= -kInt32Max ||
            output_padding >= kInt32Max,
        "attribute near int32/int64 limits");
    if (transposed) {
      const int64_t full = a.full();
      add(full - std::max<int64_t>(a.pads_begin, 0) - std::max<int64_t>(a.pads_end, 0) <= 0,
          "output axis no input reaches");
      add(a.pads_begin < 0 || a.pads_end < 0, "bias-only cells (negative pads)");
      add(-a.pads_begin > a.input || -a.pads_end > a.input, "negative pads beyond the input");
      add(output_padding >= a.stride, "output_padding >= stride");
      add(has_output_shape && a.output > full + output_padding, "output_shape > natural");
      add(has_output_shape && a.output < full + output_padding, "output_shape < natural");
      add(a.effective_kernel() > a.input, "kernel extent > input");
    } else {
      add(a.effective_kernel() > a.input, "kernel extent > input (pads cover it)");
    }
  }
  add(p.batch > 1 && p.groups > 1, "batch > 1 with groups");
  if (classes.empty()) classes.push_back("plain");
  return classes;
}

// Which path computed a case, from the node's implementation report.
std::string path_of(const std::string& implementation) {
  for (const char* path : {"bias only", "reference", "subpixel-conv", "gemm-col2im",
                           "depthwise-direct", "onednn convolution", "onednn deconvolution"}) {
    if (implementation.rfind(path, 0) == 0) {
      const bool window = implementation.find("window + bias-only border") != std::string::npos;
      return std::string(path) + (window ? " (window + bias-only border)" : "");
    }
  }
  return "unknown: " + implementation;
}

// Large-but-legal outputs would only measure the machine; the same bound on both backends makes
// them identical refusals.
SessionOptions sweep_options(Backend backend) {
  SessionOptions options = testing_util::test_session_options(backend);
  options.max_tensor_bytes = int64_t{16} << 20;
  return options;
}

// Loads the model on `backend` and runs it on x; the first error, from either step.
Result<Tensor> load_and_run(const SingleConvModel& model, const Tensor& x, Backend backend) {
  ORTL_ASSIGN_OR_RETURN(auto session,
                        Session::create(testing_util::make_graph(model), sweep_options(backend)));
  ORTL_ASSIGN_OR_RETURN(auto outputs, session->run(testing_util::feeds(model, x)));
  return outputs[0].tensor;
}

class ConvSweep : public testing::TestWithParam<SweepGroup> {};

TEST_P(ConvSweep, OneDnnMatchesReference) {
  const SweepGroup group = GetParam();
  const uint32_t seed =
      base_seed() + static_cast<uint32_t>(group.rank) * 7919u + (group.transposed() ? 104729u : 0u);
  std::mt19937 rng(seed);
  const int wanted = cases_per_group(group.rank);
  std::map<std::string, int> class_counts, path_counts;
  int ran = 0, refused = 0;
  const bool trace = std::getenv("ORTL_SWEEP_TRACE") != nullptr;
  for (int attempt = 0; ran < wanted && attempt < wanted * 20; ++attempt) {
    const Drawn drawn = draw(group, rng);
    const SingleConvModel& model = drawn.model;
    const std::string where = fmt::format("seed {} attempt {}: {}", seed, attempt, describe(model));
    const Tensor x = testing_util::random_tensor(model.x_shape, rng);
    // ORTL_SWEEP_TRACE=1 names each case before it runs (to find one that hangs).
    if (trace) std::fprintf(stderr, "%s\n", where.c_str());
    auto expected = load_and_run(model, x, Backend::kReference);
    auto actual = load_and_run(model, x, Backend::kOneDnn);
    if (!expected.ok()) {
      // An invalid configuration: both backends refuse it, with the same message (at load, or
      // at the first run when the model has inputs small enough to carry shape-setting values).
      ASSERT_FALSE(actual.ok()) << where;
      EXPECT_EQ(actual.status().message(), expected.status().message()) << where;
      ++refused;
      continue;
    }
    ASSERT_TRUE(actual.ok()) << where << ": " << actual.status().to_string();
    auto fast = Session::create(testing_util::make_graph(model), sweep_options(Backend::kOneDnn));
    ASSERT_TRUE(fast.ok());
    auto report = (*fast)->describe(testing_util::feeds(model, x));
    ASSERT_TRUE(report.ok());
    const std::string implementation =
        testing_util::implementation_of(*report, model.node.op_type + " 'sweep'");
    ++path_counts[path_of(implementation)];
    const std::string diff = testing_util::compare(*actual, *expected, 1e-4, 1e-4);
    ASSERT_TRUE(diff.empty()) << where << "\n  " << implementation << "\n  " << diff;

    auto attributes = conv::parse_conv_attributes(model.node);
    ASSERT_TRUE(attributes.ok());
    std::optional<Shape> bias;
    if (model.bias) bias = model.bias->shape();
    auto problem =
        conv::resolve_conv_problem(model.node, *attributes, model.x_shape, model.weights.shape(),
                                   bias, conv::OutputShapePadding::kSpec);
    ASSERT_TRUE(problem.ok()) << where;
    const std::vector<std::string> classes = classes_of(model, *problem);
    for (const std::string& c : classes) ++class_counts[c];
    // The reference fallback is for values oneDNN cannot index, not a place to hide a case
    // the mapping gets wrong.
    if (implementation.rfind("reference", 0) == 0) {
      EXPECT_NE(std::find(classes.begin(), classes.end(), "attribute near int32/int64 limits"),
                classes.end())
          << where << "\n  " << implementation;
    }
    ++ran;
  }
  EXPECT_EQ(ran, wanted) << "the generator drew too many invalid configurations";

  // The sweep must reach every corner it is drawn for.
  std::vector<std::string> required = {"kernel < stride", "size-1 axis",
                                       "attribute near int32/int64 limits",
                                       "batch > 1 with groups"};
  if (group.transposed()) {
    required.insert(required.end(),
                    {"output axis no input reaches", "bias-only cells (negative pads)",
                     "negative pads beyond the input", "output_padding >= stride",
                     "output_shape > natural", "output_shape < natural", "kernel extent > input"});
  } else {
    required.push_back("kernel extent > input (pads cover it)");
  }
  for (const std::string& c : required) {
    EXPECT_GT(class_counts[c], 0) << "no valid case of class '" << c << "'";
  }
  if (group.transposed()) {
    EXPECT_GT(path_counts["bias only"], 0);
    // A forced algorithm must really run (where it applies), not only fall back.
    const DeconvAlgorithm forced = sweep_options(Backend::kOneDnn).deconv_algorithm;
    const std::map<DeconvAlgorithm, std::string> path_names = {
        {DeconvAlgorithm::kPrimitive, "onednn deconvolution"},
        {DeconvAlgorithm::kSubPixel, "subpixel-conv"},
        {DeconvAlgorithm::kGemmCol2Im, "gemm-col2im"},
        {DeconvAlgorithm::kDepthwiseDirect, "depthwise-direct"}};
    if (auto it = path_names.find(forced); it != path_names.end()) {
      EXPECT_GT(path_counts[it->second], 0) << "the forced algorithm never ran";
    }
  }

  RecordProperty("cases", ran);
  std::string summary = fmt::format(
      "{} (ConvTranspose algorithm: {}): {} valid configurations agree, {} invalid refused by "
      "both with the same message\n  classes:\n",
      testing::PrintToString(group),
      deconv_algorithm_name(sweep_options(Backend::kOneDnn).deconv_algorithm), ran, refused);
  for (const auto& [name, count] : class_counts) {
    summary += fmt::format("    {:50s} {:7d}\n", name, count);
  }
  summary += "  paths of the fast backend:\n";
  for (const auto& [name, count] : path_counts) {
    summary += fmt::format("    {:50s} {:7d}\n", name, count);
  }
  std::printf("%s", summary.c_str());
}

INSTANTIATE_TEST_SUITE_P(Sweep, ConvSweep,
                         testing::Values(SweepGroup{"Conv", 1}, SweepGroup{"Conv", 2},
                                         SweepGroup{"Conv", 3}, SweepGroup{"ConvTranspose", 1},
                                         SweepGroup{"ConvTranspose", 2},
                                         SweepGroup{"ConvTranspose", 3}),
                         [](const auto& test) { return testing::PrintToString(test.param); });

}  // namespace
}  // namespace ort_lite
