#!/usr/bin/env bash
# End-to-end tests of ort-lite-weights (ctest: weights_cli_test), including the README's worked
# example: a PyTorch ConvTranspose2d weight grafted into a Keras-layout graph, run by ort-lite
# against the PyTorch output.
#
#   bash tests/weights_cli_test.sh <ort-lite-weights> <ort-lite> <tests/data dir>
set -u

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <ort-lite-weights binary> <ort-lite binary> <tests/data dir>" >&2
  exit 2
fi
WEIGHTS=$1
ORTL=$2
DATA=$3
W=$DATA/weights
MODELS=$DATA/models
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

# run_case NAME EXPECTED_EXIT [out:TEXT | err:TEXT]... -- COMMAND...
run_case() {
  local name=$1 want=$2
  shift 2
  local -a out_texts=() err_texts=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    case $1 in
      out:*) out_texts+=("${1#out:}") ;;
      err:*) err_texts+=("${1#err:}") ;;
    esac
    shift
  done
  shift
  "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  local rc=$? why=""
  [[ $rc -eq $want ]] || why="exit $rc, expected $want"
  for t in "${out_texts[@]}"; do
    grep -qF -- "$t" "$TMP/stdout" || why="${why:+$why; }stdout lacks '$t'"
  done
  for t in "${err_texts[@]}"; do
    grep -qF -- "$t" "$TMP/stderr" || why="${why:+$why; }stderr lacks '$t'"
  done
  if [[ -z $why ]]; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $why"
    head -c 600 "$TMP/stderr"
    head -c 600 "$TMP/stdout"
    failed=$((failed + 1))
  fi
}

# The worked example, step by step.
run_case convert_pytorch_deconv_to_keras 0 \
  "out:from onnx/pytorch: [4, 3, 3, 3] (C, M, kH, kW)" "out:to   keras/tf:     [3, 3, 3, 4] (kH, kW, M, C)" -- \
  "$WEIGHTS" convert "$W/torch_deconv.weight.npy" --kind deconv --from pytorch --to keras \
  -o "$TMP/kernel.npy"
run_case graft_keras_kernel 0 "out:(keras [3, 3, 3, 4] -> onnx [4, 3, 3, 3])" "out:loads and plans" -- \
  "$WEIGHTS" graft "$W/keras_deconv_same.onnx" --node deconv --weight "$TMP/kernel.npy" \
  --bias "$W/torch_deconv.bias.npy" --from keras -o "$TMP/grafted.onnx"
run_case grafted_keras_graph_matches_pytorch 0 "out:PASS" -- \
  "$ORTL" "$TMP/grafted.onnx" "$W/input_nhwc.npy" --compare "$W/keras_same.expected_nhwc.npy"
run_case explain_names_the_padding_fix 0 \
  "out:padding='same', output_padding=None" \
  "out:then crop 0 cell(s) at the start and 1 at the end of the output (padding=1, output_padding=1 gives this size but shifted by 1)" \
  "out:full = stride*(in-1) + (k-1)*d + 1 = 2*(5-1) + (3-1)*1 + 1 = 11" -- \
  "$WEIGHTS" explain "$TMP/grafted.onnx"
# The PyTorch weight itself is not a Keras kernel: refused with the shape wanted.
run_case graft_refuses_the_wrong_layout 1 \
  "err:wants a keras weight of shape [3, 3, 3, 4] (kH, kW, M, C)" -- \
  "$WEIGHTS" graft "$W/keras_deconv_same.onnx" --node deconv --weight "$W/torch_deconv.weight.npy" \
  --from keras -o "$TMP/bad.onnx"
run_case graft_names_a_missing_node 1 "err:no node named 'nope'" -- \
  "$WEIGHTS" graft "$W/keras_deconv_same.onnx" --node nope --weight "$TMP/kernel.npy" \
  --from keras -o "$TMP/bad.onnx"

run_case explain_same_upper_with_dot 0 "out:pads 0 + 1" "out:padding='same'" "out:wrote $TMP/g.dot" \
  "out:attributes: auto_pad=SAME_UPPER output_shape=[10, 10] strides=[2, 2]" -- \
  "$WEIGHTS" explain "$W/conv_same_upper.onnx" --dot "$TMP/g.dot"
run_case dot_file_has_the_shapes 0 "out:[1, 2, 10, 10]" "out:digraph model" -- cat "$TMP/g.dot"
run_case explain_depthwise 0 "out:(depthwise)" "out:keras/tf      [3, 3, 8, 1] (kH, kW, C, mult)" \
  "out:keras.layers.DepthwiseConv2D(depth_multiplier=1" -- \
  "$WEIGHTS" explain "$MODELS/shufflenet_unit.onnx"

run_case adjoint_identity_holds 0 "out:the adjoint identity holds" "out:output_padding [0, 0]" -- \
  "$WEIGHTS" adjoint "$MODELS/resnet_block.onnx" --node /block1/c1/Conv -o "$TMP/adjoint.onnx"
# An inner product that cancels to 0.21 from terms of magnitude 1,065: the float32 rounding
# (3e-6) is measured against the terms, not against the cancelled result.
run_case adjoint_identity_holds_when_the_inner_product_cancels 0 "out:the adjoint identity holds" -- \
  "$WEIGHTS" adjoint "$MODELS/espcn.onnx" --node /c2/Conv -o "$TMP/adjoint.onnx"
run_case adjoint_refuses_a_deconv 1 "err:is not a Conv" -- \
  "$WEIGHTS" adjoint "$W/conv_same_upper.onnx" --node up -o "$TMP/adjoint.onnx"

run_case resize_replicate_inputs_says_divide 0 "out:weights divided by 2" "out:[4, 3, 3, 3] -> [8, 3, 3, 3]" -- \
  "$WEIGHTS" resize-channels "$W/torch_deconv.weight.npy" --kind deconv --convention pytorch \
  --side input --mode replicate --count 8 -o "$TMP/r.npy"
run_case resize_outputs_needs_bias_output 1 "err:give --bias-output" -- \
  "$WEIGHTS" resize-channels "$W/torch_deconv.weight.npy" --kind deconv --convention pytorch \
  --side output --mode truncate --count 2 --bias "$W/torch_deconv.bias.npy" -o "$TMP/r.npy"
run_case resize_replicate_needs_a_multiple 1 "err:is not" -- \
  "$WEIGHTS" resize-channels "$W/torch_deconv.weight.npy" --kind deconv --convention pytorch \
  --side input --mode replicate --count 6 -o "$TMP/r.npy"

run_case convert_missing_file 1 "err:/no/such.npy: file not found" -- \
  "$WEIGHTS" convert /no/such.npy --kind conv --from keras --to onnx -o "$TMP/x.npy"
run_case convert_tflite_3d_refused 1 "err:2-D only" -- \
  "$WEIGHTS" convert "$W/torch_deconv.weight.npy" --kind conv --from canonical --to tflite -o "$TMP/x.npy"
run_case bad_convention_name 2 "err:--from" -- \
  "$WEIGHTS" convert "$W/torch_deconv.weight.npy" --kind conv --from caffe --to onnx -o "$TMP/x.npy"
run_case no_subcommand 2 "err:A subcommand is required" -- "$WEIGHTS"
for sub in convert resize-channels explain graft adjoint; do
  run_case "help_$sub" 0 "out:Usage:" -- "$WEIGHTS" "$sub" --help
done
run_case version 0 "out:ort-lite-weights" -- "$WEIGHTS" --version

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
