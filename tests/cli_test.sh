#!/usr/bin/env bash
# End-to-end tests of the ort-lite command line (ctest: cli_test).
#
#   bash tests/cli_test.sh <ort-lite binary> <tests/data dir> <ONNX test data dir>
#
# Each case prints "PASS name" or "FAIL name" (with the reason and the start of stderr); the
# script ends with "N passed, M failed" and exits non-zero if any case failed.
set -u

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <ort-lite binary> <tests/data dir> <onnx testdata dir>" >&2
  exit 2
fi
ORTL=$1
DATA=$2
ONNX_DATA=$3
MODELS=$DATA/models
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

# run_case NAME EXPECTED_EXIT [out:TEXT | err:TEXT]... -- COMMAND...
# Runs COMMAND; the case passes when it exits with EXPECTED_EXIT and stdout / stderr contain
# every TEXT (fixed strings).
run_case() {
  local name=$1 want=$2
  shift 2
  local -a out_texts=() err_texts=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    case $1 in
      out:*) out_texts+=("${1#out:}") ;;
      err:*) err_texts+=("${1#err:}") ;;
      *) echo "run_case $name: bad check '$1'" >&2 ;;
    esac
    shift
  done
  shift  # --
  "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  local rc=$?
  local why=""
  [[ $rc -eq $want ]] || why="exit $rc, expected $want;"
  local text
  for text in "${out_texts[@]}"; do
    grep -qF -- "$text" "$TMP/stdout" || why+=" stdout lacks '$text';"
  done
  for text in "${err_texts[@]}"; do
    grep -qF -- "$text" "$TMP/stderr" || why+=" stderr lacks '$text';"
  done
  if [[ -z $why ]]; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $why"
    echo "  command: $*"
    sed -n '1,8s/^/  stderr: /p' "$TMP/stderr"
    sed -n '1,8s/^/  stdout: /p' "$TMP/stdout"
    failed=$((failed + 1))
  fi
}

UP=$MODELS/example_upsampler
CT=$ONNX_DATA/node/test_convtranspose
CT_SET=$CT/test_data_set_0

# --- usage ---------------------------------------------------------------------------------
run_case help 0 out:Usage: "out:Exit status" out:"1  an output differs" out:"3  internal error" \
  -- "$ORTL" --help
run_case help_short 0 out:Usage: -- "$ORTL" -h
run_case version 0 "out:ort-lite " -- "$ORTL" --version
run_case no_arguments 2 "err:ort-lite: error:" "err:no model" -- "$ORTL"
run_case unknown_option 2 "err:ort-lite: error:" "err:--bogus" -- "$ORTL" --bogus "$UP.onnx"
run_case missing_option_value 2 "err:--threads" "err:required" -- "$ORTL" "$UP.onnx" --threads
run_case non_numeric_threads 2 "err:--threads" "err:'two'" -- "$ORTL" --threads two "$UP.onnx"
run_case negative_threads 2 "err:--threads" -- "$ORTL" --threads -1 "$UP.onnx"
# Thread counts beyond the library's bound are refused cleanly (they once ended the process).
run_case too_many_threads 2 "err:threads = 100000 must be between 0 (one per core) and" \
  -- "$ORTL" --threads 100000 "$UP.onnx" "$UP.input.npy"
run_case int_max_threads 2 "err:threads = 2147483647 must be between" \
  -- "$ORTL" --threads 2147483647 "$UP.onnx" "$UP.input.npy"
run_case non_numeric_rtol 2 "err:--rtol" -- "$ORTL" --rtol 1e-3x "$UP.onnx"
run_case unknown_backend 2 "err:gpu" -- "$ORTL" --backend gpu "$UP.onnx"
run_case zero_repeat 2 "err:--repeat" -- "$ORTL" --repeat 0 "$UP.onnx"

# --- bundled models against torch's outputs -------------------------------------------------
for backend in onednn reference; do
  run_case "example_upsampler_$backend" 0 "out:output y: float32 [1, 3, 64, 64]" out:PASS \
    -- "$ORTL" --backend "$backend" "$UP.onnx" "$UP.input.npy" --compare "$UP.expected.npy"
  for model in conv1d_opset11 conv1d_opset13 convtranspose3d_opset11 convtranspose3d_opset13; do
    run_case "${model}_$backend" 0 out:PASS -- "$ORTL" --backend "$backend" "$MODELS/$model.onnx" \
      "$MODELS/$model.input.npy" --compare "$MODELS/$model.expected.npy"
  done
done
run_case threads_1 0 out:PASS -- "$ORTL" --threads 1 "$UP.onnx" "$UP.input.npy" \
  --compare "$UP.expected.npy"
# Optimizations off and each ConvTranspose algorithm give the same (PyTorch's) answer.
DCGAN=$MODELS/dcgan_generator
run_case opt_level_0 0 out:PASS -- "$ORTL" --opt-level 0 "$DCGAN.onnx" "$DCGAN.input.npy" \
  --compare "$DCGAN.expected.npy"
run_case opt_level_out_of_range 2 "err:--opt-level" -- "$ORTL" --opt-level 3 "$UP.onnx"
for pair in "onednn-deconv:onednn deconvolution" subpixel-conv:subpixel-conv gemm-col2im:gemm-col2im; do
  algorithm=${pair%%:*}
  run_case "deconv_algorithm_$algorithm" 0 out:PASS "out:${pair#*:}" -- "$ORTL" --report \
    --deconv-algorithm "$algorithm" "$DCGAN.onnx" "$DCGAN.input.npy" --compare "$DCGAN.expected.npy"
done
run_case unknown_deconv_algorithm 2 "err:--deconv-algorithm: fast not in {auto,onednn-deconv" \
  -- "$ORTL" --deconv-algorithm fast "$UP.onnx"
run_case report_shows_memory_and_reorders 0 "out:activation memory per run:" \
  "out:Reorder 'x' (plain -> channels-last)" -- "$ORTL" --report "$UP.onnx" "$UP.input.npy"
run_case warmup_then_repeat 0 "out:over 3 runs" -- "$ORTL" --warmup 2 --repeat 3 "$UP.onnx" \
  "$UP.input.npy"
run_case mismatch_exits_1 1 out:FAIL "out:[0, 1, 10, 20]" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$MODELS/mismatch_expected.npy"
run_case mismatch_within_loose_tolerance 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$MODELS/mismatch_expected.npy" --atol 2
run_case compare_shape_mismatch 1 out:FAIL out:shape \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$UP.input.npy"
run_case name_equals_file 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "x=$UP.input.npy" --compare "$UP.expected.npy"
run_case options_after_inputs 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare="$UP.expected.npy" --backend=reference
run_case report 0 "out:Conv '" "out:ConvTranspose '" "out:[1, 3, 64, 64]" \
  -- "$ORTL" --report "$UP.onnx" "$UP.input.npy"
run_case repeat 0 out:median out:p90 out:p99 "out:runs/s" "out:1 warm-up run not counted" \
  -- "$ORTL" --repeat 3 "$UP.onnx" "$UP.input.npy"
# .npz: an archive's arrays go to the inputs of their names; -o FILE.npz writes one archive.
IMP=$DATA/importers
run_case npz_input 0 "out:<- $IMP/upsampler_input.npz (x)" out:PASS \
  -- "$ORTL" "$UP.onnx" "$IMP/upsampler_input.npz" --compare "$UP.expected.npy"
run_case npz_input_with_a_stranger 2 "err:holds 'ids', which is not a model input" \
  -- "$ORTL" "$UP.onnx" "$IMP/arrays.npz"
run_case npz_output 0 "out:outputs written to $TMP/outputs.npz" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" -o "$TMP/outputs.npz"
run_case npz_output_read_back 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$IMP/upsampler_input.npz" --compare "$TMP/outputs.npz"
run_case npz_output_read_back_by_name 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$IMP/upsampler_input.npz" --compare "y=$TMP/outputs.npz"
run_case npz_output_folder_missing 2 "err:does not exist or is not writable" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" -o "$TMP/no/such/outputs.npz"
# batch: one load, many inputs, concurrent runs; a failing input is named and the rest go on.
mkdir -p "$TMP/batch"
for i in 1 2 3; do cp "$UP.input.npy" "$TMP/batch/in$i.npy"; done
printf 'garbage' > "$TMP/batch/broken.npy"
run_case batch 2 "out:batch: 4 inputs, 3 succeeded, 1 failed" "err:$TMP/batch/broken.npy" \
  -- "$ORTL" batch "$UP.onnx" "$TMP/batch/in1.npy" "$TMP/batch/broken.npy" "$TMP/batch/in2.npy" \
  "$TMP/batch/in3.npy" -o "$TMP/batch/out" --jobs 2
run_case batch_output_is_the_run_output 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$TMP/batch/out/in2.npz"
run_case batch_npz_samples 0 "out:batch: 1 inputs, 1 succeeded, 0 failed" \
  -- "$ORTL" batch "$UP.onnx" "$IMP/upsampler_input.npz" -o "$TMP/batch/out2"
run_case batch_needs_an_output_folder 2 "err:writes to -o DIR" \
  -- "$ORTL" batch "$UP.onnx" "$UP.input.npy"
# --compare NAME=FILE checks the outputs it names; paths are checked before the model runs.
run_case compare_named_output 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "y=$UP.expected.npy"
run_case compare_unknown_output 2 "err:the model has no output 'z' (outputs: 'y')" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "z=$UP.expected.npy"
run_case compare_twice 2 "err:--compare given twice" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$UP.expected.npy" --compare "$UP.expected.npy"
run_case output_dir_checked_before_the_run 2 "err:cannot create the output folder" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" -o /proc/no_such_folder --repeat 100000
# A float16 model's output compares by value with float32 expected values (at float16's
# precision; the default tolerance is float32's).
FP16=$MODELS/fp16_upsampler
run_case compare_float16_with_float32_values 0 "out:float16 values against float32 expected ones" \
  out:PASS -- "$ORTL" "$FP16.onnx" "$FP16.input.npy" --compare "$FP16.expected.npy" --rtol 1e-2 \
  --atol 4e-3
run_case compare_float16_beyond_float32_tolerance 1 out:FAIL \
  -- "$ORTL" "$FP16.onnx" "$FP16.input.npy" --compare "$FP16.expected.npy"

# --- ONNX test data: .pb inputs and outputs -------------------------------------------------
run_case testdata_pb_files 0 out:PASS \
  -- "$ORTL" "$CT/model.onnx" "$CT_SET/input_0.pb" "$CT_SET/input_1.pb" --compare "$CT_SET"
run_case testdata_pb_files_by_name 0 out:PASS \
  -- "$ORTL" "$CT/model.onnx" "$CT_SET/input_1.pb" "$CT_SET/input_0.pb" --compare "$CT_SET"
run_case testdata_set_dir 0 out:PASS -- "$ORTL" "$CT/model.onnx" "$CT_SET" --compare "$CT_SET"
# An empty output is reported as such (it once printed "min nan max nan").
EMPTY=$ONNX_DATA/node/test_slice_start_out_of_bounds
run_case empty_output 0 "out:output y: float32 [20, 0, 5]  (empty: no elements)" out:PASS \
  -- "$ORTL" "$EMPTY/model.onnx" "$EMPTY/test_data_set_0" --compare "$EMPTY/test_data_set_0"
run_case legacy_output_shape_padding_flag 0 out:PASS \
  -- "$ORTL" --legacy-output-shape-padding "$CT/model.onnx" "$CT_SET" --compare "$CT_SET"
run_case testdata_output_pb 0 out:PASS \
  -- "$ORTL" "$CT/model.onnx" "$CT_SET" --compare "$CT_SET/output_0.pb"

# --- -o writes .npy files that --compare accepts ---------------------------------------------
run_case output_dir_write 0 -- "$ORTL" "$UP.onnx" "$UP.input.npy" -o "$TMP/out/nested"
if [[ -f $TMP/out/nested/y.npy ]]; then
  echo "PASS output_dir_file_exists"
  passed=$((passed + 1))
else
  echo "FAIL output_dir_file_exists: $TMP/out/nested/y.npy was not written"
  failed=$((failed + 1))
fi
run_case output_dir_compare_dir 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$TMP/out/nested" --rtol 0 --atol 0
run_case output_dir_compare_file 0 out:PASS \
  -- "$ORTL" --backend reference "$UP.onnx" "$UP.input.npy" --compare "$TMP/out/nested/y.npy"
run_case output_dir_roundtrip_expected 0 out:PASS \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --output-dir "$TMP/out/nested" --compare "$UP.expected.npy"

# --- bad input -------------------------------------------------------------------------------
# Fixed junk bytes: an invalid protobuf wire type, then float data from an .npy file.
printf '\x0f\xff\xfe' >"$TMP/garbage.onnx"
head -c 2048 "$MODELS/example_upsampler.input.npy" | tail -c 512 >>"$TMP/garbage.onnx"
run_case malformed_model 2 "err:ort-lite: error:" "err:garbage.onnx" \
  -- "$ORTL" "$TMP/garbage.onnx" "$UP.input.npy"
printf 'not an npy file' >"$TMP/garbage.npy"
run_case malformed_npy 2 "err:garbage.npy" -- "$ORTL" "$UP.onnx" "$TMP/garbage.npy"
head -c 100 "$UP.input.npy" >"$TMP/truncated.npy"
run_case truncated_npy 2 "err:truncated.npy" -- "$ORTL" "$UP.onnx" "$TMP/truncated.npy"
run_case nonexistent_model 2 "err:no_such_model.onnx" -- "$ORTL" "$TMP/no_such_model.onnx" "$UP.input.npy"
run_case nonexistent_input 2 "err:no_such_input.npy" -- "$ORTL" "$UP.onnx" "$TMP/no_such_input.npy"
run_case nonexistent_compare 2 "err:no_such_expected.npy" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$TMP/no_such_expected.npy"
run_case missing_input 2 "err:'W'" -- "$ORTL" "$CT/model.onnx" "$CT_SET/input_0.pb"
# No input files: random inputs from the declared shapes, seeded and said so.
run_case no_inputs_runs_on_random_ones 0 \
  "out:input  x: random float32 [1, 3, 16, 16] (uniform in [-1, 1), seed 0)" "out:output y:" \
  -- "$ORTL" "$UP.onnx"
run_case random_inputs_seeded 0 "out:seed 3)" -- "$ORTL" "$UP.onnx" --seed 3
DYN=$MODELS/dynamic_batch
run_case random_input_with_a_symbolic_dim 2 "err:symbolic dim 'batch'" "err:--input-shape x=DIMS" \
  -- "$ORTL" "$DYN.onnx"
run_case random_input_shape 0 "out:random float32 [3, 3, 16, 16]" "out:logits: float32 [3, 5]" \
  -- "$ORTL" "$DYN.onnx" --input-shape x=3x3x16x16
run_case input_shape_of_an_unknown_input 2 "err:no input 'z'" \
  -- "$ORTL" "$DYN.onnx" --input-shape z=3x3x16x16
run_case input_shape_with_files 2 "err:cannot reshape files" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --input-shape x=1x3x16x16
run_case input_shape_malformed 2 "err:not a shape like 1x3x224x224" \
  -- "$ORTL" "$DYN.onnx" --input-shape x=3x3xfoo
# ort-lite info: the model's declarations without a run.
run_case info 0 "out:opsets: ai.onnx 13" "out:input  x: float32 [batch, 3, 16, 16]" \
  "out:output logits: float32 [batch, 5]" "out:1  ConvTranspose" -- "$ORTL" info "$DYN.onnx"
run_case info_of_a_missing_file 2 "err:$TMP/none.onnx" -- "$ORTL" info "$TMP/none.onnx"
run_case info_takes_one_model 2 "err:takes one MODEL.onnx" -- "$ORTL" info "$DYN.onnx" "$UP.onnx"
run_case unknown_input_name 2 "err:'nope'" -- "$ORTL" "$UP.onnx" "nope=$UP.input.npy"
run_case duplicate_input 2 "err:'x'" "err:twice" \
  -- "$ORTL" "$UP.onnx" "x=$UP.input.npy" "x=$UP.input.npy"
run_case too_many_inputs 2 "err:too many inputs" -- "$ORTL" "$UP.onnx" "$UP.input.npy" "$UP.input.npy"
run_case wrong_rank 2 "err:'x'" "err:[1, 3, 16]" -- "$ORTL" "$UP.onnx" "$MODELS/rank3_input.npy"
run_case wrong_shape_1d 2 "err:'x'" -- "$ORTL" "$MODELS/conv1d_opset13.onnx" "$UP.input.npy"
run_case wrong_dtype 2 "err:int64" -- "$ORTL" "$UP.onnx" "$MODELS/int64_input.npy"
run_case unsupported_ops 2 err:lstm0 err:nms0 \
  -- "$ORTL" "$MODELS/unsupported_many.onnx" "$MODELS/rank3_input.npy"
run_case compare_file_for_dir_without_outputs 2 "err:output_0.pb" \
  -- "$ORTL" "$UP.onnx" "$UP.input.npy" --compare "$TMP"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
