// oneDNN's shuffle primitive over a dense row-major float32 block: the channel shuffle of
// ShuffleNet (ops/tensor/channel_shuffle.cc) on plain or channels-last bytes alike, parallel on
// the session's threads.
#pragma once

#include <cstdint>
#include <memory>

#include "ort_lite/kernel.h"

namespace ort_lite::onednn {

// A kernel copying input 0 to output 0 (both `dims`, row-major float32) with axis `axis`
// shuffled: viewed as (C / group_size, group_size), transposed. nullptr when oneDNN refuses.
std::unique_ptr<Kernel> make_shuffle_kernel(const Shape& dims, int axis, int64_t group_size);

}  // namespace ort_lite::onednn
