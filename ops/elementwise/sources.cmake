# Sources of ops/elementwise/, added to ort_lite_ops.
target_sources(ort_lite_ops PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/register.cc
  ${CMAKE_CURRENT_LIST_DIR}/broadcast_loop.cc
  ${CMAKE_CURRENT_LIST_DIR}/unary_ops.cc
  ${CMAKE_CURRENT_LIST_DIR}/clip.cc
  ${CMAKE_CURRENT_LIST_DIR}/binary_ops.cc
  ${CMAKE_CURRENT_LIST_DIR}/where.cc
  ${CMAKE_CURRENT_LIST_DIR}/cast.cc
  ${CMAKE_CURRENT_LIST_DIR}/fused_activation.cc
)
