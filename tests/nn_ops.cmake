ortl_add_gtest(nn_ops_test nn_ops_test.cc LIBS ort_lite)
