#!/bin/sh
# test_replications.sh — replications (acceptance of issue 7, item 2): the
# same scenario with 8 replications gives byte-identical summary.csv and
# results.h5 on 1 and 2 OpenMP threads; summary.csv holds the number of
# replications and a 95% half-width column per field (nan for one
# replication, a positive number for eight); `replications:` in the
# scenario and --replications agree; 0 replications is refused; stdout
# shows the replications table and stderr, not a terminal, stays silent.
. tests/cli/lib.sh

run() {   # run DIR THREADS [OPTION...]
    dir=$1 threads=$2
    shift 2
    OMP_NUM_THREADS=$threads "$EDGEWATT" run scenarios/mm1.yaml --set run.max_arrivals=20000 \
        --no-plot -q -o "$tmp/$dir" "$@" >"$tmp/$dir.log" 2>&1 ||
        fail "run $dir on $threads threads $* exited $?: $(cat "$tmp/$dir.log")"
}
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
value() {   # value FILE COLUMN: the all row's cell
    awk -F, -v c="$(col "$1" "$2")" '$4 == "all" { print $c }' "$1"
}

run one 1 --replications 8
run two 2 --replications 8
cmp "$tmp/one/summary.csv" "$tmp/two/summary.csv" ||
    fail "8 replications: summary.csv differs between 1 and 2 threads"
cmp "$tmp/one/results.h5" "$tmp/two/results.h5" ||
    fail "8 replications: results.h5 differs between 1 and 2 threads"

csv=$tmp/one/summary.csv
[ "$(value "$csv" replications)" = 8 ] || fail "replications column is not 8: $(value "$csv" replications)"
ci=$(value "$csv" sojourn_mean_s_ci95)
awk -v h="$ci" 'BEGIN { exit !(h > 0 && h < 5) }' ||
    fail "sojourn_mean_s_ci95 with 8 replications is '$ci', expected a half-width in (0, 5) s"

run single 1
[ "$(value "$tmp/single/summary.csv" sojourn_mean_s_ci95)" = nan ] ||
    fail "one replication: the half-width should be nan"

# the scenario key and the option are the same thing
run key 2 --set replications=8
cmp "$tmp/one/summary.csv" "$tmp/key/summary.csv" ||
    fail "--set replications=8 and --replications 8 differ"

# progress goes to a terminal only: with stderr in a file, none (and no -q)
OMP_NUM_THREADS=2 "$EDGEWATT" run scenarios/mm1.yaml --set run.max_arrivals=20000 --no-plot \
    --replications 4 -o "$tmp/loud" >"$tmp/loud.out" 2>"$tmp/loud.err" || fail "run without -q failed"
[ -s "$tmp/loud.err" ] && fail "progress or noise on a non-terminal stderr: $(cat "$tmp/loud.err")"
grep -q '4 replications: mean' "$tmp/loud.out" || fail "no replications table on stdout"

"$EDGEWATT" run scenarios/mm1.yaml --replications 0 -q -o "$tmp/zero" >"$tmp/zero.log" 2>&1
[ $? -eq 2 ] || fail "--replications 0 was not refused with exit code 2"
[ -e "$tmp/zero" ] && fail "--replications 0 left a results folder"
exit 0
