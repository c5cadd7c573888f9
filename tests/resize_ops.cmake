# Tests of ops/resize/ (Resize, Upsample). The importers read the ONNX node tests and the
# torch-made cases of tests/data/resize/.
ortl_add_gtest(resize_ops_test resize_ops_test.cc LIBS ort_lite ort_lite_importers)
