#include "onednn/raw_primitive.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <dnnl.hpp>

#include "onednn/onednn_conv.h"

namespace ort_lite::onednn {

using dnnl::memory;

struct RawPrimitive::State {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::primitive primitive;
  std::unordered_map<int, memory> args;
  std::string implementation;
};

RawPrimitive::RawPrimitive(std::unique_ptr<State> state) : state_(std::move(state)) {}
RawPrimitive::~RawPrimitive() = default;
const std::string& RawPrimitive::implementation() const { return state_->implementation; }

double RawPrimitive::run_once() {
  const auto start = std::chrono::steady_clock::now();
  state_->primitive.execute(state_->stream, state_->args);
  state_->stream.wait();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Result<std::unique_ptr<RawPrimitive>> RawPrimitive::create(const conv::ConvProblem& p) {
  try {
    auto state = std::make_unique<State>();
    dnnl::engine& engine = state->engine;
    memory::dims strides, dilates, padding_l, padding_r, src_dims{p.batch, p.in_channels},
        dst_dims{p.batch, p.out_channels}, weight_dims;
    for (const auto& axis : p.axes) {
      const PrimitiveAxis m = map_axis(p.kind, axis);
      if (m.dst_size == 0) return unsupported("no input reaches the output: nothing to time");
      strides.push_back(m.stride);
      dilates.push_back(m.dilates);
      padding_l.push_back(m.padding_l);
      padding_r.push_back(m.padding_r);
      src_dims.push_back(axis.input);
      dst_dims.push_back(m.dst_size);
    }
    const memory::dim g = p.groups;
    if (g > 1)
      weight_dims = {g, p.out_channels / g, p.in_channels / g};
    else
      weight_dims = {p.out_channels, p.in_channels};
    for (const auto& axis : p.axes) weight_dims.push_back(axis.kernel);
    const auto f32 = memory::data_type::f32;
    const auto any = memory::format_tag::any;
    const memory::desc src_md(src_dims, f32, any), dst_md(dst_dims, f32, any),
        weights_md(weight_dims, f32, any);
    const memory::desc bias_md =
        p.has_bias ? memory::desc({p.out_channels}, f32, memory::format_tag::a) : memory::desc();

    dnnl::primitive& primitive = state->primitive;
    memory::desc src_chosen, weights_chosen, dst_chosen, scratchpad;
    std::string& implementation = state->implementation;
    auto adopt = [&](const auto& pd) {
      src_chosen = pd.src_desc();
      weights_chosen = pd.weights_desc();
      dst_chosen = pd.dst_desc();
      scratchpad = pd.scratchpad_desc();
      implementation = pd.impl_info_str();
    };
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (p.kind == conv::ConvKind::kConv) {
      dnnl::convolution_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
           weights_md, bias_md, dst_md, strides, dilates, padding_l, padding_r},
          attr, engine);
      adopt(pd);
      primitive = dnnl::convolution_forward(pd);
    } else {
      dnnl::deconvolution_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md,
           weights_md, bias_md, dst_md, strides, dilates, padding_l, padding_r},
          attr, engine);
      adopt(pd);
      primitive = dnnl::deconvolution_forward(pd);
    }
    // Memory the library allocates, filled with small values (denormals would slow it down).
    auto filled = [&](const memory::desc& md) {
      memory m(md, engine);
      std::vector<float> values(md.get_size() / sizeof(float));
      for (size_t i = 0; i < values.size(); ++i) values[i] = 0.01f * static_cast<float>(i % 97);
      std::copy(values.begin(), values.end(), static_cast<float*>(m.get_data_handle()));
      return m;
    };
    state->args = {{DNNL_ARG_SRC, filled(src_chosen)},
                   {DNNL_ARG_WEIGHTS, filled(weights_chosen)},
                   {DNNL_ARG_DST, memory(dst_chosen, engine)},
                   {DNNL_ARG_SCRATCHPAD, memory(scratchpad, engine)}};
    if (p.has_bias) state->args.emplace(DNNL_ARG_BIAS, filled(bias_md));
    auto raw = std::unique_ptr<RawPrimitive>(new RawPrimitive(std::move(state)));
    raw->run_once();  // warm-up: first-touch of the buffers, code paths
    return raw;
  } catch (const dnnl::error& e) {
    return unsupported(fmt::format("oneDNN cannot create {}: {}", p.to_string(), e.what()));
  } catch (const std::bad_alloc&) {
    return internal_error("out of memory timing the raw primitive");
  }
}

}  // namespace ort_lite::onednn
