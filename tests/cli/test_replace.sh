#!/bin/sh
# test_replace.sh — a run into an existing results folder replaces it whole:
# a stray file put there after the first run is gone after the second, the
# second run's results are there, and no temporary folder (".NAME.tmp.PID",
# ".NAME.tmp.PID.old") is left beside it.
# Run from the repository root with EDGEWATT set (tests/run.sh does both).
# shellcheck disable=SC2010   # ls | grep on names this test chose
. tests/cli/lib.sh

D=$tmp/res/mm1

run() {
    "$EDGEWATT" run scenarios/mm1.yaml -o "$D" --set run.max_arrivals=2000 --no-plot -q "$@" \
        2>"$tmp/stderr" || fail "edgewatt run scenarios/mm1.yaml $* exited $?: $(cat "$tmp/stderr")"
}

run
[ -s "$D/summary.csv" ] || fail "the first run left no summary.csv in $D"
[ "$(ls -A "$tmp/res")" = mm1 ] || fail "the first run left more than its folder: $(ls -A "$tmp/res")"
echo stray >"$D/stray.txt"
mkdir "$D/stray-dir" && echo stray >"$D/stray-dir/inside.txt"

run --seed 2
[ -e "$D/stray.txt" ] && fail "the second run kept stray.txt: the folder was not replaced whole"
[ -e "$D/stray-dir" ] && fail "the second run kept stray-dir/: the folder was not replaced whole"
grep -q '^mm1,2,' "$D/summary.csv" || fail "summary.csv is not from the second run (seed 2): $(sed -n 2p "$D/summary.csv")"
for f in results.h5 summary.csv power.csv; do
    [ -s "$D/$f" ] || fail "after the second run there is no $f in $D"
done
left=$(ls -A "$tmp/res" | grep -v '^mm1$')
[ -z "$left" ] || fail "the second run left beside its folder: $left"
exit 0
