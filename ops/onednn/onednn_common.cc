#include "onednn/onednn_common.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace ort_lite::onednn {

using dnnl::memory;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

namespace {

constexpr size_t kAlign = 64;
size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// `order` lists the logical dims from outermost to innermost in memory.
memory::desc strided_desc(const Shape& shape, const std::vector<size_t>& order) {
  memory::dims dims(shape.begin(), shape.end()), strides(shape.size());
  memory::dim stride = 1;
  for (size_t i = order.size(); i-- > 0;) {
    strides[order[i]] = stride;
    stride *= shape[order[i]];
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

}  // namespace

memory::desc plain_desc(const Shape& shape) {
  std::vector<size_t> order(shape.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  return strided_desc(shape, order);
}

memory::desc channels_last_desc(const Shape& shape) {
  std::vector<size_t> order{0};
  for (size_t i = 2; i < shape.size(); ++i) order.push_back(i);
  if (shape.size() >= 2) order.push_back(1);
  return strided_desc(shape, order);
}

std::string format_name(const memory::desc& md) {
  const dnnl_memory_desc_t& d = md.data;
  if (d.format_kind != dnnl_blocked) return "non-blocked";
  const auto& blocking = d.format_desc.blocking;
  std::vector<int> order(static_cast<size_t>(d.ndims));
  for (int i = 0; i < d.ndims; ++i) order[static_cast<size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return blocking.strides[a] > blocking.strides[b]; });
  std::string name;
  for (int dim : order) {
    bool blocked = false;
    for (int j = 0; j < blocking.inner_nblks; ++j) blocked |= blocking.inner_idxs[j] == dim;
    name += static_cast<char>((blocked ? 'A' : 'a') + dim);
  }
  for (int j = 0; j < blocking.inner_nblks; ++j) {
    name += fmt::format("{}{}", blocking.inner_blks[j],
                        static_cast<char>('a' + blocking.inner_idxs[j]));
  }
  return name;
}

ScratchSlot ScratchLayout::add(size_t bytes) {
  ScratchSlot slot{total_, bytes};
  total_ += align_up(bytes);
  return slot;
}

void reorder_now(const memory::desc& src_md, const void* src, const memory::desc& dst_md,
                 void* dst) {
  auto& engine = cpu_engine();
  memory from(src_md, engine, const_cast<void*>(src));
  memory to(dst_md, engine, dst);
  dnnl::stream stream(engine);
  dnnl::reorder(from, to).execute(stream, from, to);
  stream.wait();
}

}  // namespace ort_lite::onednn
