# Sources of ops/resize/, added to ort_lite_ops.
target_sources(ort_lite_ops PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/register.cc
  ${CMAKE_CURRENT_LIST_DIR}/resize.cc
  ${CMAKE_CURRENT_LIST_DIR}/resize_geometry.cc
  ${CMAKE_CURRENT_LIST_DIR}/resize_kernel.cc
)
