// Status and Result: how every ort-lite interface reports failure.
//
// Library code never throws across an interface and never exits. Third-party exceptions
// (oneDNN, protobuf, std::bad_alloc) are caught where the third-party call is made and turned
// into a Status that names the file, node and reason.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ort_lite {

enum class StatusCode {
  kOk = 0,
  kInvalidModel,     // the model file breaks the ONNX spec (bad attribute, bad rank, cycle...)
  kInvalidArgument,  // the caller passed something wrong (missing input, wrong shape or dtype)
  kUnsupported,      // valid ONNX that ort-lite does not implement (op, attribute value, dtype)
  kIoError,          // a file could not be read or written, or is malformed
  kInternal,         // a bug in ort-lite or a failure inside a dependency
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid model: Conv 'c1': strides = [0]: every stride must be >= 1"
  std::string to_string() const;

  // Returns a copy with `context` prepended ("<context>: <message>"), for adding the file or
  // node name as an error travels outwards.
  Status with_context(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status invalid_model(std::string message);
Status invalid_argument(std::string message);
Status unsupported(std::string message);
Status io_error(std::string message);
Status internal_error(std::string message);

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "a Result must not hold an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace ort_lite

#define ORTL_CONCAT_INNER(a, b) a##b
#define ORTL_CONCAT(a, b) ORTL_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define ORTL_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::ort_lite::Status ortl_status_ = (expr);    \
    if (!ortl_status_.ok()) return ortl_status_; \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define ORTL_ASSIGN_OR_RETURN(lhs, expr) \
  ORTL_ASSIGN_OR_RETURN_IMPL(ORTL_CONCAT(ortl_result_, __LINE__), lhs, expr)
#define ORTL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
