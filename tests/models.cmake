# Real conv/deconv models exported from PyTorch (tests/data/models/make_real_models.py), run on
# both backends against PyTorch's outputs.
ortl_add_gtest(models_test models_test.cc LIBS ort_lite ort_lite_importers)
