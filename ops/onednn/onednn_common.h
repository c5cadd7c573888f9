// Pieces every oneDNN-backed kernel shares: the engine, memory descriptors for our layouts,
// layout names for reports, the per-run scratch layout, and one-shot reorders.
#pragma once

#include <cstddef>
#include <string>

#include <dnnl.hpp>

#include "ort_lite/tensor.h"

namespace ort_lite::onednn {

dnnl::engine& cpu_engine();

// Dense float32 descriptors of a logical (N, C, spatial..) shape: row-major, and channels-last
// (N, spatial.., C in memory).
dnnl::memory::desc plain_desc(const Shape& shape);
dnnl::memory::desc channels_last_desc(const Shape& shape);

// oneDNN's own notation for a layout, e.g. "aBcd16b" or "acdb" (channels-last 2-D).
std::string format_name(const dnnl::memory::desc& md);

// One region of the per-run scratch buffer.
struct ScratchSlot {
  size_t offset = 0;
  size_t bytes = 0;
  bool used() const { return bytes > 0; }
  void* at(std::byte* scratch) const { return scratch + offset; }
};

class ScratchLayout {
 public:
  ScratchSlot add(size_t bytes);
  size_t total() const { return total_; }

 private:
  size_t total_ = 0;
};

// Copies `src` (described by src_md) into `dst` (dst_md) with a oneDNN reorder, now.
void reorder_now(const dnnl::memory::desc& src_md, const void* src,
                 const dnnl::memory::desc& dst_md, void* dst);

}  // namespace ort_lite::onednn
