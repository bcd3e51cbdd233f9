#!/bin/sh
# test_reproducible.sh — a run repeats bit for bit: scenarios/default.yaml
# (shortened to 2 h) run twice with the same seed gives byte-identical
# summary.csv and results.h5; --seed with the scenario's own seed (42) changes
# nothing in summary.csv; --seed 43 changes it.
# Run from the repository root with EDGEWATT set (tests/run.sh does both).
. tests/cli/lib.sh


# run DIR [OPTION...]: the shortened default scenario into $tmp/DIR
run() {
    dir=$1
    shift
    "$EDGEWATT" run scenarios/default.yaml --set run.duration=2h --no-plot -q \
        -o "$tmp/$dir" "$@" >"$tmp/$dir.log" 2>&1 ||
        fail "edgewatt run scenarios/default.yaml --set run.duration=2h $* exited $?: $(cat "$tmp/$dir.log")"
    [ -s "$tmp/$dir/summary.csv" ] || fail "run $dir $*: no summary.csv"
    [ -s "$tmp/$dir/results.h5" ] || fail "run $dir $*: no results.h5"
}

run a
run b
cmp "$tmp/a/summary.csv" "$tmp/b/summary.csv" ||
    fail "two runs with the same seed gave different summary.csv"
cmp "$tmp/a/results.h5" "$tmp/b/results.h5" ||
    fail "two runs with the same seed gave different results.h5"

run same --seed 42
cmp "$tmp/a/summary.csv" "$tmp/same/summary.csv" ||
    fail "--seed 42 (the scenario's own seed) changed summary.csv"

run other --seed 43
if cmp -s "$tmp/a/summary.csv" "$tmp/other/summary.csv"; then
    fail "--seed 43 gave the same summary.csv as seed 42"
fi
grep -q '^default,43,' "$tmp/other/summary.csv" ||
    fail "summary.csv of the --seed 43 run does not record seed 43: $(sed -n 2p "$tmp/other/summary.csv")"
exit 0
