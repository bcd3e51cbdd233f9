#!/bin/sh
# test_calibrate_fit.sh — `edgewatt calibrate fit` on the committed synthetic
# raw file tests/data/raw-synthetic.csv (made by tests/unit/test_calibrate.c
# from R_bf16 6.53e14 FLOP/s, R_fp32 5.17e13 on the CUDA cores, BW 2.71e12 B/s
# for GEMMs (2.91e12 streams), t0 8.7e-6 s, P_static 113 W, e_bf16 0.61e-12
# J/FLOP, e_fp32 2.3e-12, e_byte 31e-12 J/B, idle 71.3 W, ±0.5% noise): the
# calibration file holds those laws within 2%, the simulator's catalogue
# picks it up, `edgewatt calibrate` runs a measuring program and fits what it
# wrote, and bad input, an unwritable output and a missing or failing
# measuring program give exit codes 2, 1, 1, 1.
. tests/cli/lib.sh
raw=tests/data/raw-synthetic.csv

# law NAME FILE: the value cell of law NAME
law() { awk -F, -v n="$1" '$1 == n { print $2 }' "$2"; }
# near GOT WANT TOL: |GOT - WANT| <= TOL * WANT
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d;
    exit !(g != "" && d <= t * w) }'; }

"$EDGEWATT" calibrate fit "$raw" -o "$tmp/cal.csv" --report "$tmp/report.md" \
    >"$tmp/out" 2>"$tmp/err" || fail "fit failed: $(cat "$tmp/err")"
cat "$tmp/out"
grep -qx 'law,value,units,source' "$tmp/cal.csv" || fail "no header in the calibration file"
for pair in flops_per_s_bf16:6.53e14 flops_per_s_fp8:1.19e15 bytes_per_s:2.71e12 \
            flops_per_s_fp32:5.17e13 static_w:113 j_per_flop_bf16:0.61e-12 j_per_flop_fp32:2.3e-12 \
            j_per_flop_fp8:0.37e-12 j_per_byte:31e-12 idle_w:71.3 power_cap_w:700; do
    name=${pair%%:*} want=${pair#*:}
    got=$(law "$name" "$tmp/cal.csv")
    near "$got" "$want" 0.02 || fail "$name: fitted '$got', true $want (more than 2% apart)"
done
grep -q '^# not written: step_overhead_s: the fit gives the fixed time of one kernel call' \
    "$tmp/cal.csv" || fail "the per-kernel overhead is not explained"
law step_overhead_s "$tmp/cal.csv" | grep -q . && fail "step_overhead_s was written"
grep -q '^# not written: flops_per_s_int8: int8: the measuring program has no int8 kernels' \
    "$tmp/cal.csv" || fail "the missing int8 law is not explained"
grep -q '^| attention | 1982' "$tmp/report.md" || fail "no attention bandwidth in the report"
grep -q '^# fitted: .*; raw file: tests/data/raw-synthetic.csv' "$tmp/cal.csv" || fail "no provenance"
grep -q '^## Leave-one-out check' "$tmp/report.md" || fail "report without the leave-one-out check"
grep -q '^| time | 28 | .* | PASS | PASS |$' "$tmp/report.md" || fail "leave-one-out time verdict"
grep -q '^| energy | 28 | .* | PASS | PASS |$' "$tmp/report.md" || fail "leave-one-out energy verdict"

# --device NAME writes DATA/calibration/NAME.csv, and the catalogue uses it
mkdir -p "$tmp/data"
cp data/devices.csv data/device_defaults.csv "$tmp/data/"
"$EDGEWATT" calibrate fit "$raw" --device h100-sxm --data "$tmp/data" >/dev/null 2>"$tmp/err" ||
    fail "fit --device failed: $(cat "$tmp/err")"
[ -f "$tmp/data/calibration/h100-sxm.csv" ] || fail "no $tmp/data/calibration/h100-sxm.csv"
"$EDGEWATT" devices --data "$tmp/data" --csv >"$tmp/devices.csv" || fail "edgewatt devices failed"
grep '^h100-sxm,' "$tmp/devices.csv" | grep -qF "calibration $tmp/data/calibration/h100-sxm.csv" ||
    fail "h100-sxm does not use the calibration: $(grep '^h100-sxm,' "$tmp/devices.csv")"
grep '^h100-pcie,' "$tmp/devices.csv" | grep -q "datasheet defaults" ||
    fail "h100-pcie should keep the datasheet defaults"

# GPU kernels for a CPU entry of the catalogue: bad input
"$EDGEWATT" calibrate fit "$raw" --device ryzen-9-7950x --data "$tmp/data" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "a cpu in" "$tmp/err" || fail "GPU fit for a CPU device: exit $rc, $(cat "$tmp/err")"

# bad raw files: exit 2, file:line:col
{ echo '# no seconds column'; sed -n '/^device,/p' "$raw" | sed 's/,seconds,/,secs,/'; } >"$tmp/bad1.csv"
"$EDGEWATT" calibrate fit "$tmp/bad1.csv" -o "$tmp/x.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$tmp/bad1.csv:2:1: header: missing column \"seconds\"" "$tmp/err" ||
    fail "missing column: exit $rc, $(cat "$tmp/err")"
awk -F, 'BEGIN { OFS = "," } /^Synthetic/ && !done { $11 = "-2.0"; done = 1 } { print }' "$raw" \
    >"$tmp/bad2.csv"
"$EDGEWATT" calibrate fit "$tmp/bad2.csv" -o "$tmp/x.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$tmp/bad2.csv:8:11: seconds: expected a number > 0 [s], got \"-2.0\"" "$tmp/err" ||
    fail "negative seconds: exit $rc, $(cat "$tmp/err")"
[ -e "$tmp/x.csv" ] && fail "a calibration was written from a bad file"
"$EDGEWATT" calibrate fit "$raw" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "fit without --device or -o accepted"

# an output that cannot be written: exit 1
"$EDGEWATT" calibrate fit "$raw" -o "$tmp/no-such-dir/cal.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "no-such-dir/cal.csv" "$tmp/err" || fail "unwritable output: exit $rc"

# `edgewatt calibrate`: the measuring program missing, failing, or working
EW_CALIB="$tmp/none" "$EDGEWATT" calibrate --device h100-sxm --data "$tmp/data" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "measuring program $tmp/none is missing" "$tmp/err" ||
    fail "missing measuring program: exit $rc, $(cat "$tmp/err")"
EW_CALIB=/bin/false "$EDGEWATT" calibrate --device h100-sxm --data "$tmp/data" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "failed (exit status 1)" "$tmp/err" ||
    fail "failing measuring program: exit $rc, $(cat "$tmp/err")"
# a stand-in that "measures" by copying the synthetic file to --out
cat >"$tmp/fake-calib" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
    [ "$1" = --out ] && { cp "$FAKE_RAW" "$2" || exit 1; shift; }
    shift
done
EOF
chmod +x "$tmp/fake-calib"
mkdir -p "$tmp/data2"
cp data/devices.csv data/device_defaults.csv "$tmp/data2/"
FAKE_RAW="$PWD/$raw" EW_CALIB="$tmp/fake-calib" SOURCE_DATE_EPOCH=86400 \
    "$EDGEWATT" calibrate --device h100-sxm --data "$tmp/data2" >"$tmp/out" 2>"$tmp/err" ||
    fail "calibrate with a measuring program failed: $(cat "$tmp/err")"
cmp -s "$raw" "$tmp/data2/calibration/raw/h100-sxm-1970-01-02.csv" || fail "raw file not kept"
[ -f "$tmp/data2/calibration/h100-sxm.csv" ] && [ -f "$tmp/data2/calibration/h100-sxm-report.md" ] ||
    fail "calibration or report missing: $(ls -R "$tmp/data2")"
grep -q "^leave-one-out, time:" "$tmp/out" || fail "the fit quality was not printed"
echo "ok"
