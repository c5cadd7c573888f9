// .npy and TensorProto .pb files: round trips per dtype, files written by NumPy and ONNX, and
// every malformed or unsafe input giving a Status that says why.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "ort_lite/importers/tensor_io.h"

#include "onnx/onnx_pb.h"

namespace ort_lite {
namespace {

namespace fs = std::filesystem;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}
::testing::AssertionResult BeginsWith(const std::string& text, const std::string& prefix) {
  if (text.starts_with(prefix)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not start with \"" << prefix << "\"";
}

const fs::path kFixtures = fs::path(ORTL_TEST_DATA_DIR) / "importers";
const fs::path kOnnxTestData = ORTL_ONNX_TESTDATA_DIR;

constexpr DType kAllDTypes[] = {DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kInt8,
                                DType::kUInt8,   DType::kInt32,   DType::kInt64,   DType::kBool};

// A tensor whose elements differ from each other and from zero, so a round trip that drops,
// reorders or truncates bytes shows.
Tensor patterned(DType dtype, Shape shape) {
  Tensor t(dtype, std::move(shape));
  for (int64_t i = 0; i < t.element_count(); ++i) {
    switch (dtype) {
      case DType::kFloat32:
        t.data<float>()[i] = 0.5f * static_cast<float>(i) - 1.25f;
        break;
      case DType::kFloat64:
        t.data<double>()[i] = 0.25 * static_cast<double>(i) - 3.0;
        break;
      case DType::kFloat16:
        static_cast<uint16_t*>(t.raw_data())[i] = float_to_half(static_cast<float>(i) - 2.5f);
        break;
      case DType::kInt8:
        t.data<int8_t>()[i] = static_cast<int8_t>(i * 37 - 100);
        break;
      case DType::kUInt8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(i * 53 + 1);
        break;
      case DType::kInt32:
        t.data<int32_t>()[i] = static_cast<int32_t>(i * 100000 - 7);
        break;
      case DType::kInt64:
        t.data<int64_t>()[i] = (i - 3) * (int64_t{1} << 40);
        break;
      case DType::kBool:
        t.data<bool>()[i] = i % 3 == 0;
        break;
    }
  }
  return t;
}

void expect_same(const Tensor& expected, const Tensor& actual) {
  ASSERT_FALSE(actual.empty());
  EXPECT_EQ(actual.dtype(), expected.dtype());
  EXPECT_EQ(actual.shape(), expected.shape());
  ASSERT_EQ(actual.byte_size(), expected.byte_size());
  EXPECT_EQ(std::memcmp(actual.raw_data(), expected.raw_data(), expected.byte_size()), 0);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("ortl_tensor_io_") + info->name() + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};
using NpyFiles = TempDir;
using PbFiles = TempDir;

// ---------------------------------------------------------------------------------------------
// npy

const std::vector<Shape> kShapes = {{}, {5}, {2, 3}, {0}, {2, 0, 3}, {1, 2, 1, 3}};

TEST(Npy, RoundTripsEveryDTypeAndShape) {
  for (DType dtype : kAllDTypes) {
    for (const Shape& shape : kShapes) {
      SCOPED_TRACE(std::string(dtype_name(dtype)) + " " + shape_to_string(shape));
      const Tensor original = patterned(dtype, shape);
      auto bytes = encode_npy(original);
      ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
      auto back = parse_npy(*bytes, "mem.npy");
      ASSERT_TRUE(back.ok()) << back.status().to_string();
      expect_same(original, *back);
    }
  }
}

TEST(Npy, WritesVersion1WithNewlineTerminatedHeaderAlignedTo64) {
  auto bytes = encode_npy(patterned(DType::kFloat32, {2, 3}));
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_length = static_cast<uint8_t>((*bytes)[8]) | static_cast<uint8_t>((*bytes)[9])
                                                                       << 8;
  const size_t data_start = 10 + header_length;
  EXPECT_EQ(data_start % 64, 0u);
  EXPECT_EQ((*bytes)[data_start - 1], '\n');
  EXPECT_EQ(bytes->size(), data_start + 24);
  EXPECT_TRUE(BeginsWith(bytes->substr(10, header_length),
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
}

TEST(Npy, WritesNumpyShapeSyntaxAndDescrs) {
  const struct {
    DType dtype;
    Shape shape;
    std::string expected;
  } cases[] = {
      {DType::kFloat64, {}, "'descr': '<f8', 'fortran_order': False, 'shape': ()"},
      {DType::kFloat16, {5}, "'descr': '<f2', 'fortran_order': False, 'shape': (5,)"},
      {DType::kInt8, {1}, "'descr': '|i1'"},
      {DType::kUInt8, {1}, "'descr': '|u1'"},
      {DType::kInt32, {1}, "'descr': '<i4'"},
      {DType::kInt64, {1}, "'descr': '<i8'"},
      {DType::kBool, {0, 4}, "'descr': '|b1', 'fortran_order': False, 'shape': (0, 4)"},
  };
  for (const auto& c : cases) {
    auto bytes = encode_npy(Tensor(c.dtype, c.shape));
    ASSERT_TRUE(bytes.ok());
    EXPECT_TRUE(Contains(*bytes, c.expected));
  }
}

TEST(Npy, WritesVersion2WhenTheHeaderExceeds64KiB) {
  const Tensor original = patterned(DType::kUInt8, Shape(30000, 1));  // rank 30000: ~90 KB header
  auto bytes = encode_npy(original);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[6], '\x02');
  const size_t header_length = static_cast<uint8_t>((*bytes)[8]) |
                               static_cast<uint8_t>((*bytes)[9]) << 8 |
                               static_cast<uint8_t>((*bytes)[10]) << 16;
  EXPECT_GT(header_length, 65535u);
  EXPECT_EQ((12 + header_length) % 64, 0u);
  auto back = parse_npy(*bytes, "big-header.npy");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  expect_same(original, *back);
}

TEST_F(NpyFiles, FileRoundTrip) {
  const Tensor original = patterned(DType::kFloat32, {3, 4});
  ASSERT_TRUE(write_npy(path("a.npy"), original).ok());
  auto back = read_npy(path("a.npy"));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  expect_same(original, *back);
  auto dispatched = read_tensor_file(path("a.npy"));
  ASSERT_TRUE(dispatched.ok());
  expect_same(original, *dispatched);
}

TEST_F(NpyFiles, WriteErrorsNameThePath) {
  const std::string bad = path("no/such/dir/a.npy");
  const Status status = write_npy(bad, patterned(DType::kFloat32, {1}));
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_TRUE(BeginsWith(status.message(), bad + ": cannot open for writing"));
  const Status empty = write_npy(path("e.npy"), Tensor());
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(empty.message(), "empty"));
}

TEST(Npy, ReadsFilesWrittenByNumpy) {
  {
    auto t = read_npy((kFixtures / "v1_float32_2x3.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->dtype(), DType::kFloat32);
    EXPECT_EQ(t->shape(), (Shape{2, 3}));
    EXPECT_EQ(std::vector<float>(t->values<float>().begin(), t->values<float>().end()),
              (std::vector<float>{-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}));
  }
  {
    auto t = read_npy((kFixtures / "v2_int64_5.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->shape(), (Shape{5}));
    EXPECT_EQ(std::vector<int64_t>(t->values<int64_t>().begin(), t->values<int64_t>().end()),
              (std::vector<int64_t>{-3, 0, 7, int64_t{1} << 40, -(int64_t{1} << 62)}));
  }
  {
    auto t = read_npy((kFixtures / "v3_float64_scalar.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->shape(), Shape{});
    ASSERT_EQ(t->element_count(), 1);
    EXPECT_EQ(t->data<double>()[0], 2.25);
  }
  {
    auto t = read_npy((kFixtures / "float16.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    ASSERT_EQ(t->dtype(), DType::kFloat16);
    ASSERT_EQ(t->element_count(), 4);
    const auto* h = static_cast<const uint16_t*>(t->raw_data());
    EXPECT_EQ(half_to_float(h[0]), 1.0f);
    EXPECT_EQ(half_to_float(h[1]), -2.5f);
    EXPECT_EQ(half_to_float(h[2]), 65504.0f);
    EXPECT_EQ(half_to_float(h[3]), 0x1p-24f);  // smallest subnormal
  }
  {
    auto t = read_npy((kFixtures / "bool.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    ASSERT_EQ(t->dtype(), DType::kBool);
    EXPECT_EQ(t->shape(), (Shape{2, 3}));
    EXPECT_EQ(std::vector<bool>(t->values<bool>().begin(), t->values<bool>().end()),
              (std::vector<bool>{true, false, true, false, false, true}));
  }
  {
    auto t = read_npy((kFixtures / "uint8_empty.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->dtype(), DType::kUInt8);
    EXPECT_EQ(t->shape(), (Shape{0, 3}));
    EXPECT_EQ(t->element_count(), 0);
  }
  {
    auto t = read_npy((kFixtures / "int8.npy").string());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(std::vector<int8_t>(t->values<int8_t>().begin(), t->values<int8_t>().end()),
              (std::vector<int8_t>{-128, -1, 0, 127}));
  }
}

TEST(Npy, RefusesNumpyFilesItCannotHold) {
  const struct {
    const char* file;
    const char* reason;
  } cases[] = {
      {"fortran_order.npy",
       "Fortran-order arrays are not supported; save with np.ascontiguousarray"},
      {"big_endian.npy", "big-endian dtype '>f4' is not supported"},
      {"int16.npy", "dtype '<i2' is not supported"},
  };
  for (const auto& c : cases) {
    const std::string path = (kFixtures / c.file).string();
    auto t = read_npy(path);
    ASSERT_FALSE(t.ok()) << c.file;
    EXPECT_EQ(t.status().code(), StatusCode::kUnsupported) << c.file;
    EXPECT_TRUE(BeginsWith(t.status().message(), path + ": "));
    EXPECT_TRUE(Contains(t.status().message(), c.reason));
  }
}

TEST(Npy, MissingFileIsAnIoErrorNamingThePath) {
  auto t = read_npy("/nonexistent/x.npy");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kIoError);
  EXPECT_EQ(t.status().message(), "/nonexistent/x.npy: file not found");
}

// An npy file with `header` as its dict (padded as numpy does unless `declared_length` says
// otherwise) followed by `data`.
std::string npy(std::string_view header, std::string_view data = "", int major = 1,
                std::optional<uint32_t> declared_length = std::nullopt) {
  const size_t start = major == 1 ? 10 : 12;
  size_t padding = 0;
  if (!declared_length) padding = (64 - (start + header.size() + 1) % 64) % 64;
  const std::string text = std::string(header) + std::string(padding, ' ') + "\n";
  const uint32_t length = declared_length.value_or(static_cast<uint32_t>(text.size()));
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < start - 8; ++i) out += static_cast<char>((length >> (8 * i)) & 0xff);
  return out + text + std::string(data);
}

std::string f32_bytes(int count) { return std::string(static_cast<size_t>(count) * 4, '\x01'); }

TEST(Npy, AcceptsEveryWayNumpyAndHumansWriteTheHeader) {
  const struct {
    std::string header;
    std::string data;
    DType dtype;
    Shape shape;
  } cases[] = {
      {"{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
       f32_bytes(2),
       DType::kFloat32,
       {2}},
      {"{ \"descr\" :\"<f4\",\n\t'fortran_order':False ,'shape':( 2 , 3 , ) , }",
       f32_bytes(6),
       DType::kFloat32,
       {2, 3}},
      {"{'descr': '=u1', 'fortran_order': False, 'shape': (3,)}", "abc", DType::kUInt8, {3}},
      {"{'descr': '<i1', 'fortran_order': False, 'shape': (3,)}", "abc", DType::kInt8, {3}},
      {"{'descr': '>u1', 'fortran_order': False, 'shape': (3,)}", "abc", DType::kUInt8, {3}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L)}",
       f32_bytes(2),
       DType::kFloat32,
       {2, 1}},
      {"{'descr': '|b1', 'fortran_order': False, 'shape': ()}", "\x07", DType::kBool, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    auto t = parse_npy(npy(c.header, c.data), "ok.npy");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->dtype(), c.dtype);
    EXPECT_EQ(t->shape(), c.shape);
    if (c.dtype == DType::kUInt8) {
      EXPECT_EQ(t->data<uint8_t>()[2], 'c');
    }
    if (c.dtype == DType::kBool) {
      EXPECT_EQ(static_cast<const uint8_t*>(t->raw_data())[0], 1);
    }
  }
  // 2.0 and 3.0 headers use a 4-byte length.
  for (int major : {2, 3}) {
    auto t = parse_npy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}",
                           std::string("\x2a\0\0\0", 4), major),
                       "v.npy");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->data<int32_t>()[0], 42);
  }
}

TEST(Npy, MalformedFilesGiveAnErrorSayingWhy) {
  const std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const struct {
    const char* name;
    std::string bytes;
    StatusCode code;
    const char* reason;
  } cases[] = {
      {"empty file", "", StatusCode::kIoError, "bad magic"},
      {"bad magic", "\x93NUMPX\x01\x00\x10\x00{}", StatusCode::kIoError, "bad magic"},
      {"text file", "hello world, this is not npy", StatusCode::kIoError, "bad magic"},
      {"ends in version", std::string("\x93NUMPY\x01", 7), StatusCode::kIoError,
       "truncated: the file ends inside the format version"},
      {"ends in length", std::string("\x93NUMPY\x02\x00\x10\x00", 10), StatusCode::kIoError,
       "truncated: the file ends inside the header length"},
      {"version 4.0", npy(good, f32_bytes(6), 4), StatusCode::kUnsupported,
       "npy format version 4.0 is not supported"},
      {"header past end", npy(good, "", 1, 60000), StatusCode::kIoError,
       "truncated: the header declares 60000 bytes but only"},
      {"header too long", npy(good, "", 2, 0x7fffffff), StatusCode::kIoError,
       "header is too long (2147483647 bytes"},
      {"not a dict", npy("['descr', '<f4']"), StatusCode::kIoError,
       "malformed header: expected '{' at character 0"},
      {"garbage after value", npy("{'descr': '<f4' garbage}"), StatusCode::kIoError,
       "malformed header: expected ',' or '}'"},
      {"text after dict", npy(good + " x"), StatusCode::kIoError, "unexpected text after the dict"},
      {"key quote missing", npy("{'descr: '<f4'}"), StatusCode::kIoError, "expected ':' after"},
      {"string runs off the end", npy("{'descr"), StatusCode::kIoError, "unterminated string"},
      {"missing shape", npy("{'descr': '<f4', 'fortran_order': False}"), StatusCode::kIoError,
       "missing key 'shape'"},
      {"unknown key", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}"),
       StatusCode::kIoError, "unexpected key 'x'"},
      {"duplicate key", npy("{'descr': '<f4', 'descr': '<f4'}"), StatusCode::kIoError,
       "duplicate key 'descr'"},
      {"fortran not bool", npy("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"),
       StatusCode::kIoError, "expected True or False"},
      {"shape not tuple", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5)}"),
       StatusCode::kIoError, "'shape' is not a tuple"},
      {"shape list", npy("{'descr': '<f4', 'fortran_order': False, 'shape': [5]}"),
       StatusCode::kIoError, "'shape' is not a tuple"},
      {"negative dim", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"),
       StatusCode::kIoError, "negative dim"},
      {"dim overflows int64",
       npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
       StatusCode::kIoError, "dim in 'shape' overflows int64"},
      {"element count overflows",
       npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"),
       StatusCode::kIoError, "has too many elements"},
      {"byte count overflows",
       npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,)}"),
       StatusCode::kIoError, "is too large"},
      {"huge shape, tiny data",
       npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,)}", f32_bytes(1)),
       StatusCode::kIoError, "truncated: shape [1000000000000] of float32 needs 4000000000000"},
      {"truncated data", npy(good, f32_bytes(5)), StatusCode::kIoError,
       "truncated: shape [2, 3] of float32 needs 24 data bytes but the file has 20"},
      {"trailing data", npy(good, f32_bytes(7)), StatusCode::kIoError,
       "4 unexpected bytes after the data"},
      {"structured dtype",
       npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", f32_bytes(1)),
       StatusCode::kUnsupported, "structured dtypes are not supported"},
      {"object dtype", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", "12345678"),
       StatusCode::kUnsupported, "dtype '|O' is not supported"},
      {"unicode dtype", npy("{'descr': '<U3', 'fortran_order': False, 'shape': ()}"),
       StatusCode::kUnsupported, "dtype '<U3' is not supported"},
      {"big-endian int64", npy("{'descr': '>i8', 'fortran_order': False, 'shape': ()}"),
       StatusCode::kUnsupported, "big-endian dtype '>i8' is not supported"},
      {"fortran order", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}"),
       StatusCode::kUnsupported, "Fortran-order arrays are not supported"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = parse_npy(c.bytes, "bad.npy");
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), c.code) << t.status().to_string();
    EXPECT_TRUE(BeginsWith(t.status().message(), "bad.npy: "));
    EXPECT_TRUE(Contains(t.status().message(), c.reason));
  }
}

// A poor man's fuzz run: every prefix and every single-byte corruption of a valid file must
// give a Status (and every strict prefix an error), never a crash.
TEST(Npy, SurvivesEveryTruncationAndByteFlip) {
  auto bytes = encode_npy(patterned(DType::kInt32, {2, 2}));
  ASSERT_TRUE(bytes.ok());
  for (size_t n = 0; n < bytes->size(); ++n) {
    EXPECT_FALSE(parse_npy(bytes->substr(0, n), "cut.npy").ok()) << "prefix of " << n;
  }
  int accepted = 0;
  for (size_t i = 0; i < bytes->size(); ++i) {
    for (int value : {0x00, 0x20, 0x27, 0x28, 0x29, 0x2c, 0x31, 0x7b, 0x7d, 0xff}) {
      std::string corrupt = *bytes;
      corrupt[i] = static_cast<char>(value);
      accepted += parse_npy(corrupt, "flip.npy").ok() ? 1 : 0;
    }
  }
  EXPECT_GT(accepted, 0);  // data bytes and padding spaces may change harmlessly
}

// ---------------------------------------------------------------------------------------------
// TensorProto .pb

TEST_F(PbFiles, RoundTripsEveryDTypeAndShape) {
  for (DType dtype : kAllDTypes) {
    for (const Shape& shape : kShapes) {
      SCOPED_TRACE(std::string(dtype_name(dtype)) + " " + shape_to_string(shape));
      const Tensor original = patterned(dtype, shape);
      ASSERT_TRUE(write_tensor_pb(path("t.pb"), {"my_tensor", original}).ok());
      auto back = read_tensor_pb(path("t.pb"));
      ASSERT_TRUE(back.ok()) << back.status().to_string();
      EXPECT_EQ(back->name, "my_tensor");
      expect_same(original, back->tensor);
    }
  }
}

TEST_F(PbFiles, WriterUsesRawData) {
  ASSERT_TRUE(write_tensor_pb(path("t.pb"), {"x", patterned(DType::kFloat32, {2, 2})}).ok());
  onnx::TensorProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_bytes(path("t.pb"))));
  EXPECT_EQ(proto.data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(proto.dims_size(), 2);
  EXPECT_EQ(proto.raw_data().size(), 16u);
  EXPECT_EQ(proto.float_data_size(), 0);
}

TEST(Pb, ReadsOnnxBackendTestData) {
  const fs::path dir = kOnnxTestData / "node/test_convtranspose/test_data_set_0";
  auto input = read_tensor_pb((dir / "input_0.pb").string());
  ASSERT_TRUE(input.ok()) << input.status().to_string();
  EXPECT_EQ(input->name, "X");
  EXPECT_EQ(input->tensor.dtype(), DType::kFloat32);
  EXPECT_EQ(input->tensor.shape(), (Shape{1, 1, 3, 3}));
  const auto x = input->tensor.values<float>();
  EXPECT_EQ(std::vector<float>(x.begin(), x.end()),
            (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8}));

  auto output = read_tensor_file((dir / "output_0.pb").string());
  ASSERT_TRUE(output.ok()) << output.status().to_string();
  EXPECT_EQ(output->shape(), (Shape{1, 2, 5, 5}));
  EXPECT_EQ(output->data<float>()[2], 3.0f);
}

std::string serialized(const onnx::TensorProto& proto) { return proto.SerializeAsString(); }

onnx::TensorProto proto_of(int data_type, std::vector<int64_t> dims,
                           const std::string& name = "t") {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(data_type);
  for (int64_t d : dims) proto.add_dims(d);
  return proto;
}

TEST(Pb, ReadsEveryTypedStorageField) {
  {
    auto p = proto_of(onnx::TensorProto::FLOAT, {2});
    p.add_float_data(1.5f);
    p.add_float_data(-2.0f);
    auto t = parse_tensor_pb(serialized(p), "f.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.data<float>()[1], -2.0f);
  }
  {
    auto p = proto_of(onnx::TensorProto::DOUBLE, {});
    p.add_double_data(0.125);
    auto t = parse_tensor_pb(serialized(p), "d.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.shape(), Shape{});
    EXPECT_EQ(t->tensor.data<double>()[0], 0.125);
  }
  {
    auto p = proto_of(onnx::TensorProto::INT64, {3});
    for (int64_t v : {int64_t{-1}, int64_t{1} << 50, int64_t{7}}) p.add_int64_data(v);
    auto t = parse_tensor_pb(serialized(p), "i64.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.data<int64_t>()[1], int64_t{1} << 50);
  }
  {
    auto p = proto_of(onnx::TensorProto::INT32, {2});
    p.add_int32_data(-70000);
    p.add_int32_data(5);
    auto t = parse_tensor_pb(serialized(p), "i32.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.data<int32_t>()[0], -70000);
  }
  {  // the ONNX spec stores int8, uint8, bool and float16 bit patterns in int32_data
    auto p = proto_of(onnx::TensorProto::INT8, {2});
    p.add_int32_data(-128);
    p.add_int32_data(127);
    auto t = parse_tensor_pb(serialized(p), "i8.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.data<int8_t>()[0], -128);
    EXPECT_EQ(t->tensor.data<int8_t>()[1], 127);
  }
  {
    auto p = proto_of(onnx::TensorProto::UINT8, {1});
    p.add_int32_data(255);
    auto t = parse_tensor_pb(serialized(p), "u8.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.data<uint8_t>()[0], 255);
  }
  {
    auto p = proto_of(onnx::TensorProto::BOOL, {3});
    for (int v : {1, 0, 1}) p.add_int32_data(v);
    auto t = parse_tensor_pb(serialized(p), "b.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.dtype(), DType::kBool);
    EXPECT_TRUE(t->tensor.data<bool>()[0]);
    EXPECT_FALSE(t->tensor.data<bool>()[1]);
  }
  {
    auto p = proto_of(onnx::TensorProto::FLOAT16, {2});
    p.add_int32_data(float_to_half(-1.5f));
    p.add_int32_data(float_to_half(65504.0f));
    auto t = parse_tensor_pb(serialized(p), "h.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    const auto* h = static_cast<const uint16_t*>(t->tensor.raw_data());
    EXPECT_EQ(half_to_float(h[0]), -1.5f);
    EXPECT_EQ(half_to_float(h[1]), 65504.0f);
  }
  {  // zero elements need no data at all
    auto t = parse_tensor_pb(serialized(proto_of(onnx::TensorProto::FLOAT, {0, 4})), "z.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(t->tensor.shape(), (Shape{0, 4}));
  }
  {  // raw_data bool bytes other than 0/1 become true
    auto p = proto_of(onnx::TensorProto::BOOL, {2});
    p.set_raw_data(std::string("\x00\x05", 2));
    auto t = parse_tensor_pb(serialized(p), "rb.pb");
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(static_cast<const uint8_t*>(t->tensor.raw_data())[1], 1);
  }
}

TEST(Pb, UnsupportedElementTypesNameTheTensorAndType) {
  const struct {
    int type;
    const char* name;
  } cases[] = {
      {onnx::TensorProto::BFLOAT16, "bfloat16"},
      {onnx::TensorProto::STRING, "string"},
      {onnx::TensorProto::UINT16, "uint16"},
      {onnx::TensorProto::COMPLEX64, "complex64"},
      {onnx::TensorProto::UINT64, "uint64"},
      {onnx::TensorProto::INT16, "int16"},
      {42, "type 42"},
  };
  for (const auto& c : cases) {
    auto p = proto_of(c.type, {1}, "weights");
    p.set_raw_data(std::string(8, '\0'));
    auto t = parse_tensor_pb(serialized(p), "u.pb");
    ASSERT_FALSE(t.ok()) << c.name;
    EXPECT_EQ(t.status().code(), StatusCode::kUnsupported) << c.name;
    EXPECT_EQ(t.status().message(), std::string("u.pb: tensor 'weights': element type ") + c.name +
                                        " is not supported by ort-lite");
  }
}

TEST(Pb, MalformedTensorsGiveAnErrorSayingWhy) {
  auto raw_mismatch = proto_of(onnx::TensorProto::FLOAT, {2, 3});
  raw_mismatch.set_raw_data(std::string(20, '\0'));
  auto typed_mismatch = proto_of(onnx::TensorProto::FLOAT, {2, 3});
  typed_mismatch.add_float_data(1.0f);
  auto no_data = proto_of(onnx::TensorProto::FLOAT, {2});
  auto two_forms = proto_of(onnx::TensorProto::FLOAT, {1});
  two_forms.set_raw_data(std::string(4, '\0'));
  two_forms.add_float_data(1.0f);
  auto wrong_field = proto_of(onnx::TensorProto::FLOAT, {1});
  wrong_field.add_int64_data(1);
  auto int8_range = proto_of(onnx::TensorProto::INT8, {1});
  int8_range.add_int32_data(300);
  auto bool_range = proto_of(onnx::TensorProto::BOOL, {1});
  bool_range.add_int32_data(2);
  auto negative_dim = proto_of(onnx::TensorProto::FLOAT, {-1});
  auto overflow = proto_of(onnx::TensorProto::FLOAT, {int64_t{1} << 40, int64_t{1} << 40});
  overflow.set_raw_data("x");
  auto huge = proto_of(onnx::TensorProto::DOUBLE, {int64_t{1} << 61});
  auto untyped = proto_of(onnx::TensorProto::UNDEFINED, {1});
  const struct {
    const char* name;
    std::string bytes;
    const char* reason;
  } cases[] = {
      {"raw size", serialized(raw_mismatch),
       "dims [2, 3] (6 elements of float) but raw_data has 20 bytes (expected 24)"},
      {"typed count", serialized(typed_mismatch),
       "dims [2, 3] (6 elements of float) but float_data has 1 values"},
      {"no data", serialized(no_data), "dims [2] (2 elements of float) but no data"},
      {"two forms", serialized(two_forms), "data is stored in both raw_data and float_data"},
      {"wrong field", serialized(wrong_field),
       "float data is stored in int64_data, which the ONNX spec does not use"},
      {"int8 range", serialized(int8_range), "int32_data[0] = 300 is out of range for int8"},
      {"bool range", serialized(bool_range), "int32_data[0] = 2 is out of range for bool"},
      {"negative dim", serialized(negative_dim), "negative dim"},
      {"count overflow", serialized(overflow), "too many elements"},
      {"byte overflow", serialized(huge), "are too large"},
      {"no data_type", serialized(untyped), "data_type is not set"},
      {"garbage", "\xff\xff\xff\xff\xff", "not a valid onnx.TensorProto (protobuf parse failed)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = parse_tensor_pb(c.bytes, "bad.pb");
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kIoError) << t.status().to_string();
    EXPECT_TRUE(BeginsWith(t.status().message(), "bad.pb: "));
    EXPECT_TRUE(Contains(t.status().message(), c.reason));
  }
}

onnx::TensorProto external_proto(const std::string& location, std::optional<int64_t> offset,
                                 std::optional<int64_t> length) {
  auto p = proto_of(onnx::TensorProto::FLOAT, {3}, "ext");
  p.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* entry = p.add_external_data();
  entry->set_key("location");
  entry->set_value(location);
  if (offset) {
    entry = p.add_external_data();
    entry->set_key("offset");
    entry->set_value(std::to_string(*offset));
  }
  if (length) {
    entry = p.add_external_data();
    entry->set_key("length");
    entry->set_value(std::to_string(*length));
  }
  return p;
}

TEST_F(PbFiles, ReadsExternalDataRelativeToItsFolder) {
  const float values[] = {1.5f, -2.5f, 4.0f};
  std::string blob(8, 'x');
  blob.append(reinterpret_cast<const char*>(values), sizeof(values));
  fs::create_directories(dir_ / "sub");
  write_bytes(dir_ / "sub" / "weights.bin", blob);
  write_bytes(dir_ / "t.pb", serialized(external_proto("sub/weights.bin", 8, 12)));
  auto t = read_tensor_pb(path("t.pb"));
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  const auto v = t->tensor.values<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{1.5f, -2.5f, 4.0f}));

  // "./sub/../sub/weights.bin" normalizes to a path inside the folder.
  write_bytes(dir_ / "t2.pb", serialized(external_proto("./sub/../sub/weights.bin", 8, {})));
  EXPECT_TRUE(read_tensor_pb(path("t2.pb")).ok());
}

TEST_F(PbFiles, RefusesExternalDataOutsideItsFolder) {
  fs::create_directories(dir_ / "model");
  write_bytes(dir_ / "outside.bin", std::string(12, '\0'));
  write_bytes(dir_ / "model" / "short.bin", std::string(10, '\0'));
  std::error_code ec;
  fs::create_symlink(dir_ / "outside.bin", dir_ / "model" / "link.bin", ec);
  ASSERT_FALSE(ec) << ec.message();
  const struct {
    const char* name;
    onnx::TensorProto proto;
    StatusCode code;
    const char* reason;
  } cases[] = {
      {"absolute", external_proto((dir_ / "outside.bin").string(), {}, {}), StatusCode::kIoError,
       "is absolute; it must be relative to the model's folder"},
      {"dot-dot", external_proto("../outside.bin", {}, {}), StatusCode::kIoError,
       "external data location '../outside.bin' leaves the model's folder"},
      {"dot-dot after normalization", external_proto("a/../../outside.bin", {}, {}),
       StatusCode::kIoError, "leaves the model's folder"},
      {"symlink", external_proto("link.bin", {}, {}), StatusCode::kIoError,
       "resolves (through a symbolic link) outside the model's folder"},
      {"missing file", external_proto("nope.bin", {}, {}), StatusCode::kIoError,
       "not found or not a regular file"},
      {"short file", external_proto("short.bin", 0, {}), StatusCode::kIoError,
       "the file has only 10 bytes"},
      {"offset past end", external_proto("short.bin", 100, {}), StatusCode::kIoError,
       "the file has only 10 bytes"},
      {"length mismatch", external_proto("short.bin", 0, 8), StatusCode::kIoError,
       "but external data length is 8 bytes"},
      {"folder itself", external_proto(".", {}, {}), StatusCode::kIoError, "names no file"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    write_bytes(dir_ / "model" / "t.pb", serialized(c.proto));
    auto t = read_tensor_pb((dir_ / "model" / "t.pb").string());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), c.code) << t.status().to_string();
    EXPECT_TRUE(Contains(t.status().message(), "tensor 'ext': "));
    EXPECT_TRUE(Contains(t.status().message(), c.reason));
  }
  // From memory without a base folder, external data is refused outright.
  auto t = parse_tensor_pb(serialized(external_proto("w.bin", {}, {})), "mem.pb");
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(Contains(t.status().message(), "external data is not allowed here"));
}

TEST(TensorFile, RejectsUnknownExtensions) {
  auto t = read_tensor_file("/tmp/x.txt");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(t.status().message(), "unknown tensor file extension '.txt'"));
}

// ---------------------------------------------------------------------------------------------
// npz

namespace npz_tests {

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Npz, ReadsArchivesWrittenByNumpyStoredOrDeflated) {
  for (const char* name : {"arrays.npz", "arrays_compressed.npz"}) {
    SCOPED_TRACE(name);
    auto arrays = read_npz((kFixtures / name).string());
    ASSERT_TRUE(arrays.ok()) << arrays.status().to_string();
    ASSERT_EQ(arrays->size(), 3u);
    EXPECT_EQ((*arrays)[0].name, "x");
    EXPECT_EQ((*arrays)[0].tensor.shape(), (Shape{2, 3}));
    EXPECT_EQ((*arrays)[0].tensor.values<float>()[5], 2.5f);
    EXPECT_EQ((*arrays)[1].name, "ids");
    EXPECT_EQ((*arrays)[1].tensor.values<int64_t>()[1], -1);
    EXPECT_EQ((*arrays)[2].name, "mask");
    EXPECT_EQ((*arrays)[2].tensor.dtype(), DType::kBool);
  }
}

TEST_F(NpyFiles, NpzRoundTripsAndRefusesUnnamedOrRepeatedArrays) {
  const std::vector<NamedTensor> original{{"a", patterned(DType::kFloat32, {3, 4})},
                                          {"b.c", patterned(DType::kInt64, {2})},
                                          {"empty", patterned(DType::kUInt8, {0, 3})}};
  ASSERT_TRUE(write_npz(path("out.npz"), original).ok());
  auto back = read_npz(path("out.npz"));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_EQ(back->size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ((*back)[i].name, original[i].name);
    expect_same(original[i].tensor, (*back)[i].tensor);
  }
  const Status twice = write_npz(path("twice.npz"), {original[0], original[0]});
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(twice.message(), "own, non-empty name")) << twice.message();
  const Status folder = write_npz(path("no/such/dir/a.npz"), original);
  EXPECT_EQ(folder.code(), StatusCode::kIoError);
  EXPECT_TRUE(Contains(folder.message(), "no/such/dir/a.npz")) << folder.message();
}

TEST(Npz, RefusesEntriesThatAreNotArraysAndDamagedArchives) {
  auto mixed = read_npz((kFixtures / "not_only_arrays.npz").string());
  ASSERT_FALSE(mixed.ok());
  EXPECT_TRUE(Contains(mixed.status().message(), "'notes.txt' is not a .npy array"))
      << mixed.status().message();
  // Every truncation of a real archive is refused with an error, never a crash.
  const std::string bytes = file_bytes(kFixtures / "arrays_compressed.npz");
  for (size_t n = 0; n < bytes.size(); n += 7) {
    auto cut = parse_npz(std::string_view(bytes).substr(0, n), "cut.npz");
    EXPECT_FALSE(cut.ok()) << n;
    if (!cut.ok()) {
      EXPECT_TRUE(Contains(cut.status().message(), "cut.npz")) << n;
    }
  }
  auto missing = read_npz("/no/such/file.npz");
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
}

}  // namespace npz_tests

}  // namespace
}  // namespace ort_lite
