# Sources of ops/nn/, added to ort_lite_ops.
target_sources(ort_lite_ops PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/register.cc
  ${CMAKE_CURRENT_LIST_DIR}/matmul.cc
  ${CMAKE_CURRENT_LIST_DIR}/normalization.cc
  ${CMAKE_CURRENT_LIST_DIR}/layer_norm.cc
  ${CMAKE_CURRENT_LIST_DIR}/pool.cc
  ${CMAKE_CURRENT_LIST_DIR}/reduce.cc
  ${CMAKE_CURRENT_LIST_DIR}/softmax.cc
)
