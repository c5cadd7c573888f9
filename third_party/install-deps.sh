#!/usr/bin/env bash
# Installs everything ort-lite needs to build and test, from Debian bookworm packages only.
# Idempotent: packages already present are left as they are. Run as root (or via sudo).
set -euo pipefail

packages=(
  build-essential      # g++ 12 (C++20) and make
  cmake                # >= 3.25, the build system
  ninja-build          # faster incremental builds (optional; CMake falls back to make)
  libdnnl-dev          # oneDNN 2.6: the convolution primitives
  ocl-icd-opencl-dev   # Debian builds oneDNN with OpenCL; its CMake config needs OpenCL headers
  libprotobuf-dev      # protobuf runtime to parse .onnx and TensorProto .pb files
  protobuf-compiler    # protoc, required by the ONNX CMake config
  libonnx-dev          # ONNX's generated protobuf classes (onnx-ml.pb.h) and libonnx_proto
  libfmt-dev           # fmt 9: message formatting
  libzip-dev           # libzip: NumPy .npz archives (tensor file I/O)
  zipcmp zipmerge ziptool  # libzip-dev's CMake config checks that these tools exist
  libcli11-dev         # CLI11: command-line parsing of the tools (header-only)
  nlohmann-json3-dev   # nlohmann/json: the benchmark tool's JSON and trace files (header-only)
  libgtest-dev         # GoogleTest: the unit and conformance tests
  libgmock-dev         # GoogleMock, required alongside GoogleTest's CMake config
  libonnx-testdata     # ONNX 1.12 backend test data: the conformance manifest runs on it
  pkg-config           # the package test builds a consumer with pkg-config ort_lite
  pybind11-dev         # the Python module ort_lite
  python3-dev          # Python headers for the module
  python3-numpy        # arrays in and out of the module
  python3-pytest       # the module's tests
  python3-distributed  # Dask distributed: the batch-inference helper and its test
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
