# Sources of ops/tensor/, added to ort_lite_ops.
target_sources(ort_lite_ops PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/register.cc
  ${CMAKE_CURRENT_LIST_DIR}/tensor_util.cc
  ${CMAKE_CURRENT_LIST_DIR}/strided_copy.cc
  ${CMAKE_CURRENT_LIST_DIR}/identity.cc
  ${CMAKE_CURRENT_LIST_DIR}/reshape.cc
  ${CMAKE_CURRENT_LIST_DIR}/transpose.cc
  ${CMAKE_CURRENT_LIST_DIR}/concat_split.cc
  ${CMAKE_CURRENT_LIST_DIR}/slice.cc
  ${CMAKE_CURRENT_LIST_DIR}/expand_tile.cc
  ${CMAKE_CURRENT_LIST_DIR}/pad.cc
  ${CMAKE_CURRENT_LIST_DIR}/channel_shuffle.cc
  ${CMAKE_CURRENT_LIST_DIR}/gather.cc
  ${CMAKE_CURRENT_LIST_DIR}/shape_ops.cc
)
