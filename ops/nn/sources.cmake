# Sources of ops/nn/, added to ort_lite_ops.
target_sources(ort_lite_ops PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/register.cc
)
