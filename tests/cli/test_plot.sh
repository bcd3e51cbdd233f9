#!/bin/sh
# test_plot.sh — `edgewatt plot` on a results file holding every kind of
# figure table (written by `test_figtable --fixture`, beside EDGEWATT):
# - bad input exits 2 naming the file: an unknown format, a missing file, a
#   file that is not HDF5, an HDF5 file that is not edgewatt's;
# - without gnuplot on PATH: exit 1, the CSVs written all the same;
# - in png, pdf and svg: every figure exists, is non-empty and of its format,
#   every table has its CSV, and gnuplot says nothing (no warning); the
#   frontier's key names rows at the same place once;
# - every plots/*.gp script runs by hand on the exported CSVs, with the
#   variables set on the command line and with none at all;
# - injection: a scenario title, an arm name and a swept value written to
#   run commands (backquotes, system(), a quote that would end the string,
#   an @ macro) create no file, and the title appears literally in the SVGs.
# Run from the repository root with EDGEWATT set (tests/run.sh does both).
. tests/cli/lib.sh

root=$(pwd)
fixture=$(dirname "$EDGEWATT")/tests/test_figtable
[ -x "$fixture" ] || fail "$fixture is missing (make BUILD=... tests builds it)"
"$fixture" --fixture "$tmp/results.h5" || fail "test_figtable --fixture failed"
figures="energy_by_boundary frontier latency_cdf power_by_kind-dc power_by_kind-edge_first sweep sweep_latency"
tables="energy_by_boundary frontier headline latency_cdf power_by_kind-dc power_by_kind-edge_first sweep"

# ---- bad input: exit 2 and a message naming the file ----
expect_bad() {   # what, then the edgewatt plot arguments
    what=$1
    shift
    "$EDGEWATT" plot "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    [ $rc -eq 2 ] || fail "$what: exit code $rc, expected 2 ($(cat "$tmp/stderr"))"
}
expect_bad "unknown format" "$tmp/results.h5" -o "$tmp/bad" --format gif
grep -q 'gif' "$tmp/stderr" || fail "unknown format: message does not name it: $(cat "$tmp/stderr")"
expect_bad "missing file" "$tmp/nothing.h5"
grep -qF "$tmp/nothing.h5" "$tmp/stderr" || fail "missing file: message does not name it: $(cat "$tmp/stderr")"
expect_bad "not HDF5" README.md -o "$tmp/bad"
grep -q 'README.md: not an HDF5 file' "$tmp/stderr" || fail "not HDF5: message: $(cat "$tmp/stderr")"
if command -v h5copy >/dev/null 2>&1; then
    h5copy -i "$tmp/results.h5" -o "$tmp/foreign.h5" -s /figures -d /figures ||
        fail "h5copy failed"
    expect_bad "foreign HDF5" "$tmp/foreign.h5" -o "$tmp/bad"
    grep -q 'not an edgewatt results file' "$tmp/stderr" ||
        fail "foreign HDF5: message: $(cat "$tmp/stderr")"
fi
expect_bad "two files" "$tmp/results.h5" "$tmp/results.h5"

# ---- no gnuplot on PATH: the CSVs, no figure, exit 1 ----
mkdir "$tmp/bin"
PATH="$tmp/bin" "$EDGEWATT" plot "$tmp/results.h5" -o "$tmp/nognuplot" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 1 ] || fail "with no gnuplot on PATH: exit code $rc, expected 1"
grep -q 'gnuplot is not installed' "$tmp/stderr" || fail "no gnuplot: message: $(cat "$tmp/stderr")"
for t in $tables; do
    [ -s "$tmp/nognuplot/$t.csv" ] || fail "with no gnuplot on PATH, $t.csv is missing"
done
ls "$tmp/nognuplot" | grep -q '\.png$' && fail "with no gnuplot on PATH, a figure was left"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "the rest passed, but gnuplot is not on PATH, so no figure was checked"
    exit 77
fi

# ---- every format: every figure, non-empty, of its format; gnuplot silent ----
magic() {   # the first bytes a file of that format starts with
    case $1 in
        png) printf '\211PNG' ;;
        pdf) printf '%%PDF' ;;
        svg) printf '<?xml' ;;
    esac
}
for fmt in png pdf svg; do
    out=$tmp/$fmt
    "$EDGEWATT" plot "$tmp/results.h5" -o "$out" --format "$fmt" >"$tmp/stdout" 2>"$tmp/stderr" ||
        fail "edgewatt plot --format $fmt exited $?: $(cat "$tmp/stderr")"
    [ -s "$tmp/stderr" ] && fail "edgewatt plot --format $fmt printed on stderr: $(cat "$tmp/stderr")"
    grep -q "^7 figures ($fmt)" "$tmp/stdout" || fail "--format $fmt: stdout: $(cat "$tmp/stdout")"
    for f in $figures; do
        [ -s "$out/$f.$fmt" ] || fail "--format $fmt: $f.$fmt is missing or empty: $(ls "$out")"
        m=$(magic "$fmt")
        [ "$(head -c ${#m} "$out/$f.$fmt")" = "$m" ] || fail "$f.$fmt is not a $fmt file"
    done
    for t in $tables; do
        [ -s "$out/$t.csv" ] || fail "--format $fmt: $t.csv is missing or empty"
    done
done
head -1 "$tmp/png/frontier.csv" | grep -qx 'label,wh_per_query,wh_ci95,latency_p95_s,latency_mean_s,latency_mean_ci95_s' ||
    fail "frontier.csv header: $(head -1 "$tmp/png/frontier.csv")"
# the frontier's key names two rows at the same place once; the CSV keeps both
[ "$(sed 1d "$tmp/png/frontier.csv" | wc -l)" -eq 4 ] || fail "frontier.csv: expected 4 rows"
grep -qF '>dc (2 points alike)<' "$tmp/svg/frontier.svg" ||
    fail "frontier.svg: no key entry 'dc (2 points alike)'"
grep -qF 'n=10' "$tmp/svg/frontier.svg" && fail "frontier.svg: a merged row kept its own label"
grep -qF '>carbon_aware<' "$tmp/svg/frontier.svg" || fail "frontier.svg: no key entry carbon_aware"
# the default folder is the results file's
cp "$tmp/results.h5" "$tmp/png/beside.h5"
"$EDGEWATT" plot "$tmp/png/beside.h5" --format svg >/dev/null 2>"$tmp/stderr" ||
    fail "plot with no -o: $(cat "$tmp/stderr")"
[ -s "$tmp/png/sweep.svg" ] || fail "plot with no -o did not write beside the results file"

# ---- the scripts by hand on the exported CSVs ----
byhand() {   # script, csv, output, extra -e text
    (cd "$tmp/png" && gnuplot -e "datafile='$2'; outfile='$3'; $4" "$root/plots/$1.gp") \
        >"$tmp/stdout" 2>"$tmp/stderr" || fail "by hand, plots/$1.gp on $2 failed: $(cat "$tmp/stderr")"
    [ -s "$tmp/stderr" ] && fail "by hand, plots/$1.gp on $2 printed: $(cat "$tmp/stderr")"
    [ -s "$tmp/png/$3" ] || fail "by hand, plots/$1.gp on $2 wrote no $3"
}

byhand energy_by_boundary energy_by_boundary.csv hand-e.png ""
byhand latency_cdf latency_cdf.csv hand-l.png ""
byhand power_by_kind power_by_kind-dc.csv hand-p1.png ""
byhand power_by_kind power_by_kind-edge_first.csv hand-p2.svg "fmt='svg'"
byhand frontier frontier.csv hand-f.pdf "fmt='pdf'"
byhand sweep sweep.csv hand-s.png ""
byhand sweep sweep.csv hand-s2.png "metric='latency'"
# with no variable at all: datafile NAME.csv in the current folder, NAME.png
(cd "$tmp/png" && rm -f sweep.png && gnuplot "$root/plots/sweep.gp") 2>"$tmp/stderr" ||
    fail "plots/sweep.gp with its defaults failed: $(cat "$tmp/stderr")"
[ -s "$tmp/png/sweep.png" ] || fail "plots/sweep.gp with its defaults wrote no sweep.png"

# ---- injection: strings from the results file never run as gnuplot commands ----
title='He said "hi" `touch PWNED` '"'x'"' system("touch PWNED2") @x'
inj=$tmp/inj
mkdir "$inj"
"$fixture" --fixture "$inj/results.h5" "$title" --hostile-names || fail "hostile fixture failed"
(cd "$inj" && "$EDGEWATT" plot results.h5 -o out --format svg) >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
# first: nothing ran (gnuplot runs commands in its working folder, $inj)
found=$(find "$tmp" "$root" -maxdepth 3 -name 'PWNED*' 2>/dev/null)
[ -z "$found" ] || fail "a string from the results file ran as a command: $found"
[ $rc -eq 0 ] || fail "plot of the hostile fixture exited $rc: $(cat "$tmp/stderr")"
# an arm's power figure is named after the arm: count them rather than name them
n=0
for f in "$inj"/out/*.svg; do
    [ -s "$f" ] || fail "hostile fixture: $f is empty"
    n=$((n + 1))
done
[ $n -eq 7 ] || fail "hostile fixture: $n figures, expected 7: $(ls "$inj/out")"
# the corner title, as drawn: the SVG text with XML's entities undone
for f in energy_by_boundary sweep; do
    sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e "s/&#39;/'/g" \
        -e 's/&amp;/\&/g' "$inj/out/$f.svg" >"$tmp/text"
    grep -qF -- "$title" "$tmp/text" || fail "$f.svg does not show the title literally"
done
grep -qF -- "edge'); system('touch PWNED3'); print('" "$tmp/text" ||
    fail "sweep.svg does not show the hostile arm name literally"
exit 0
