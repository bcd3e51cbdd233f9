#!/bin/sh
# test_calib.sh — the measuring program build/calib/ew-calib (make calib):
# without NVML it says so and exits 1 without crashing or leaving a file;
# its quick CPU run writes the raw header and cpu_gemm and cpu_triad rows
# with positive seconds, flops and bytes and an energy source that is
# "unmeasured" where no RAPL counter can be read (as here), "rapl" where one
# can; a fake powercap tree is metered as rapl; bad options exit 2.
# Skips (77) when ew-calib was not built.
# Run from the repository root with EDGEWATT set (tests/run.sh does both).
. tests/cli/lib.sh

CALIB=build/calib/ew-calib
if [ ! -x "$CALIB" ]; then
    echo "$CALIB was not built (make calib)"
    exit 77
fi
HEADER='device,driver,kernel,precision,m,n,k,batch,context,repetitions,seconds,joules,avg_watts,flops,bytes,sm_clock_mhz_before,sm_clock_mhz_after,mem_clock_mhz,temp_c_before,temp_c_after,power_limit_w,energy_source,timestamp,program_version'

# ---- no NVML: exit 1, a message naming NVML (or the missing GPU part) ----
EW_NVML_LIB=/nonexistent "$CALIB" --gpu-only --quick --out "$tmp/gpu.csv" \
    >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 1 ] || fail "--gpu-only without NVML: exit code $rc, expected 1: $(cat "$tmp/stderr")"
grep -q 'NVML\|no GPU part' "$tmp/stderr" ||
    fail "--gpu-only without NVML: the message names neither NVML nor the GPU part: $(cat "$tmp/stderr")"
[ -e "$tmp/gpu.csv" ] && fail "--gpu-only without NVML left $tmp/gpu.csv behind"

# check_cpu FILE SOURCES: the header once, and cpu_gemm and cpu_triad rows
# with 24 fields, positive seconds/flops/bytes/repetitions, an energy source
# among SOURCES (space-separated) and, when unmeasured, empty joules.
check_cpu() {
    file=$1 sources=$2
    [ "$(grep -cxF "$HEADER" "$file")" -eq 1 ] || fail "$file: no header line, or several"
    # a quoted CPU name may hold commas: make it one plain field first
    grep -v '^#' "$file" | grep -vxF "$HEADER" | sed 's/^"[^"]*"/cpu/' >"$tmp/rows"
    awk -F, -v sources=" $sources " '
        { n++ }
        NF != 24 { print "line " NR ": " NF " fields, expected 24"; bad = 1; next }
        $3 == "cpu_gemm" { gemm++ }
        $3 == "cpu_triad" { triad++ }
        $3 != "cpu_gemm" && $3 != "cpu_triad" { print "line " NR ": kernel " $3; bad = 1 }
        !($10 > 0 && $11 > 0 && $14 > 0 && $15 > 0) {
            print "line " NR ": repetitions " $10 ", seconds " $11 ", flops " $14 ", bytes " $15
            bad = 1
        }
        index(sources, " " $22 " ") == 0 { print "line " NR ": energy_source " $22; bad = 1 }
        $22 == "unmeasured" && ($12 != "" || $13 != "") {
            print "line " NR ": unmeasured but joules \"" $12 "\", avg_watts \"" $13 "\""
            bad = 1
        }
        $22 == "rapl" && !($12 >= 0 && $12 != "") { print "line " NR ": rapl without joules"; bad = 1 }
        END {
            if (gemm < 1 || triad < 1) { print "cpu_gemm rows " gemm+0 ", cpu_triad rows " triad+0; bad = 1 }
            exit bad
        }' "$tmp/rows" >"$tmp/why" || fail "$file: $(cat "$tmp/why")"
    tail -1 "$file" | grep -q '^# done: ' || fail "$file: last line is not '# done: ...'"
}

# ---- the quick CPU run, as it comes on this machine ----
readable=no
for f in /sys/class/powercap/intel-rapl:*/energy_uj; do
    [ -f "$f" ] && cat "$f" >/dev/null 2>&1 && readable=yes
done
"$CALIB" --cpu-only --quick --out "$tmp/cpu.csv" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 0 ] || fail "--cpu-only --quick: exit code $rc: $(cat "$tmp/stderr")"
if [ $readable = no ]; then
    check_cpu "$tmp/cpu.csv" "unmeasured"
else
    check_cpu "$tmp/cpu.csv" "rapl unmeasured"
fi

# ---- a fake powercap tree: metered as rapl (its counter stands still: 0 J) ----
pc=$tmp/powercap
mkdir -p "$pc/intel-rapl:0" "$pc/intel-rapl:0:0"
echo package-0 >"$pc/intel-rapl:0/name"
echo 262143328850 >"$pc/intel-rapl:0/max_energy_range_uj"
echo 123456789 >"$pc/intel-rapl:0/energy_uj"
echo core >"$pc/intel-rapl:0:0/name"
"$CALIB" --cpu-only --quick --powercap "$pc" --out "$tmp/fake.csv" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 0 ] || fail "--powercap (fake tree): exit code $rc: $(cat "$tmp/stderr")"
check_cpu "$tmp/fake.csv" "rapl"

# ---- bad options: exit 2 with the option named ----
expect2() {
    frag=$1
    shift
    "$CALIB" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    [ $rc -eq 2 ] || fail "ew-calib $*: exit code $rc, expected 2"
    grep -qF -- "$frag" "$tmp/stderr" || fail "ew-calib $*: stderr lacks '$frag': $(cat "$tmp/stderr")"
}
expect2 "--min-seconds" --min-seconds 0
expect2 "choose one" --cpu-only --gpu-only
expect2 '"nope"' --kernels cpu_gemm,nope
expect2 "--gpu" --gpu -1
expect2 "--frobnicate" --frobnicate

"$CALIB" --help >"$tmp/stdout" 2>&1 || fail "--help: exit code $?"
grep -q 'usage: ew-calib' "$tmp/stdout" || fail "--help prints no usage"
exit 0
