# Real conv/deconv models exported from PyTorch (tests/data/models/make_real_models.py), run on
# both backends against PyTorch's outputs.
ortl_add_gtest(models_test models_test.cc LIBS ort_lite ort_lite_importers)
# The bundled models with each ConvTranspose algorithm forced in turn (oneDNN backend).
foreach(algorithm onednn-deconv subpixel-conv gemm-col2im depthwise-direct)
  gtest_discover_tests(models_test TEST_PREFIX "deconv_${algorithm}." TEST_FILTER "*onednn"
                       DISCOVERY_TIMEOUT 60 DISCOVERY_MODE PRE_TEST
                       PROPERTIES ENVIRONMENT "ORTL_TEST_DECONV_ALGORITHM=${algorithm}")
endforeach()
# ... and unfused (every optimization off), against the same PyTorch outputs.
gtest_discover_tests(models_test TEST_PREFIX "opt_level_0." TEST_FILTER "*onednn"
                     DISCOVERY_TIMEOUT 60 DISCOVERY_MODE PRE_TEST
                     PROPERTIES ENVIRONMENT "ORTL_TEST_OPT_LEVEL=0")
