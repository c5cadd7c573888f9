ortl_add_gtest(tensor_ops_test tensor_ops_test.cc LIBS ort_lite)
