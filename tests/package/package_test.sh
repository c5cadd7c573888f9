#!/bin/bash
# ort-lite as a package: installs the build tree into a temporary prefix, then builds and runs
# a consumer against it with find_package and with pkg-config, and configures one that adds
# ort-lite's source with add_subdirectory (which must add neither tests nor a build type).
#
#   package_test.sh BUILD_DIR SOURCE_DIR MODEL.onnx INPUT.npy EXPECTED.npy
set -euo pipefail
build=$1 source=$(cd "$2" && pwd) model=$3 input=$4 expected=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")" && pwd)

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
echo "installed into a temporary prefix: $(find "$work/prefix" -type f | wc -l) files"

echo "== find_package(ort_lite)"
cmake -S "$here" -B "$work/find" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$work/find.log" || { cat "$work/find.log"; exit 1; }
cmake --build "$work/find" > "$work/find-build.log" || { cat "$work/find-build.log"; exit 1; }
"$work/find/consumer" "$model" "$input" "$expected"

echo "== pkg-config ort_lite"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
pkg-config --modversion ort_lite
# shellcheck disable=SC2046
c++ -std=c++20 -O1 -o "$work/consumer-pc" "$here/consumer.cc" $(pkg-config --cflags --libs ort_lite)
"$work/consumer-pc" "$model" "$input" "$expected"

echo "== add_subdirectory (configure only)"
cmake -S "$here" -B "$work/sub" -DORTL_SOURCE="$source" > "$work/sub.log" \
  || { cat "$work/sub.log"; exit 1; }
grep -q "^CMAKE_BUILD_TYPE:STRING=$" "$work/sub/CMakeCache.txt" \
  || { echo "add_subdirectory set the consumer's CMAKE_BUILD_TYPE"; exit 1; }
if [ -e "$work/sub/ort_lite/tests" ] || [ -e "$work/sub/ort_lite/tools" ]; then
  echo "add_subdirectory built ort-lite's tests or tools"; exit 1
fi
echo "consumer configured; ort-lite added no tests, tools or build type"
