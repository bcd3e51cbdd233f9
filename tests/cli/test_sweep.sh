#!/bin/sh
# test_sweep.sh — sweeps (acceptance of issue 7, item 3): scenarios/sweep-edge.yaml,
# shortened, sweeps the number of edge nodes (1k, 10k, 100k) and the
# verification factor (1, 2): one results.h5 and one sweep.csv with 6 points
# x 2 arms, a figure of energy per query against nodes with a band per
# factor, and a frontier whose rows are named by their parameters. --param
# replaces the scenario's sweep block; --zip pairs values; a bad parameter is
# refused with exit code 2, naming the point, and leaves no results folder.
. tests/cli/lib.sh

out=$tmp/sweep
"$EDGEWATT" sweep scenarios/sweep-edge.yaml --set run.duration=10min --replications 2 \
    -q -o "$out" >"$tmp/log" 2>&1 || fail "sweep exited $?: $(cat "$tmp/log")"
[ -s "$out/results.h5" ] || fail "no results.h5"
[ -s "$out/sweep.csv" ] || fail "no sweep.csv"
rows=$(sed 1d "$out/sweep.csv" | wc -l)
[ "$rows" -eq 12 ] || fail "sweep.csv has $rows rows, expected 6 points x 2 arms = 12"
head -1 "$out/sweep.csv" | grep -q '^point,arm,sites\[1\]\.servers,arms\[1\]\.verification\.k,x,wh_per_query,' ||
    fail "sweep.csv header: $(head -1 "$out/sweep.csv" | cut -c1-120)"
# every point and arm once, the values as given
got=$(sed 1d "$out/sweep.csv" | cut -d, -f2,3,4 | tr '\n' ' ')
want="dc,1000,1 edge,1000,1 dc,1000,2 edge,1000,2 dc,10000,1 edge,10000,1 dc,10000,2 edge,10000,2 dc,100000,1 edge,100000,1 dc,100000,2 edge,100000,2 "
[ "$got" = "$want" ] || fail "points: '$got', expected '$want'"
# the HDF5 file holds the same table, and the figure table
h5dump -H -g /figures/sweep "$out/results.h5" >/dev/null 2>&1 || fail "results.h5 lacks /figures/sweep"
# more idle home nodes at the same load cost more energy per query at the edge
col=$(head -1 "$out/sweep.csv" | tr ',' '\n' | grep -nx wh_b5_network | cut -d: -f1)
awk -F, -v c="$col" 'NR > 1 && $2 == "edge" && $4 == 1 { v[$3] = $c }
    END { exit !(v[100000] > v[10000] && v[10000] > v[1000]) }' "$out/sweep.csv" ||
    fail "edge energy per query does not grow with the number of nodes"
if command -v gnuplot >/dev/null 2>&1; then
    [ -s "$out/sweep.png" ] || fail "gnuplot is installed but sweep.png is missing or empty"
    [ -s "$out/frontier.png" ] || fail "gnuplot is installed but frontier.png is missing or empty"
    # the frontier names each row by its arm and its parameters' last keys
    got=$(sed 1d "$out/frontier.csv" | cut -d, -f1 | tr '\n' '|')
    want="dc: servers=1000 k=1|edge: servers=1000 k=1|dc: servers=1000 k=2|edge: servers=1000 k=2|"
    want="${want}dc: servers=10000 k=1|edge: servers=10000 k=1|dc: servers=10000 k=2|"
    want="${want}edge: servers=10000 k=2|dc: servers=100000 k=1|edge: servers=100000 k=1|"
    want="${want}dc: servers=100000 k=2|edge: servers=100000 k=2|"
    [ "$got" = "$want" ] || fail "frontier labels: '$got', expected '$want'"
    # two parameters with the same last key keep their whole paths
    "$EDGEWATT" sweep scenarios/sweep-edge.yaml --set run.duration=10min --replications 1 -q \
        -o "$tmp/same" --param 'sites[0].servers=16,32' --param 'sites[1].servers=1000' \
        >"$tmp/same.log" 2>&1 || fail "sweep of two 'servers' exited $?: $(cat "$tmp/same.log")"
    got=$(sed -n 2p "$tmp/same/frontier.csv" | cut -d, -f1)
    [ "$got" = "dc: sites[0].servers=16 sites[1].servers=1000" ] || fail "frontier label '$got'"
fi

# --param replaces the block; --zip pairs the i-th values
"$EDGEWATT" sweep scenarios/mm1.yaml --set run.max_arrivals=5000 -q --no-plot -o "$tmp/p" \
    --param workload.arrivals.rate=0.5/s,0.8/s --param sites[0].servers=1,2 --zip \
    >"$tmp/p.log" 2>&1 || fail "--param sweep exited $?: $(cat "$tmp/p.log")"
rows=$(sed 1d "$tmp/p/sweep.csv" | wc -l)
[ "$rows" -eq 2 ] || fail "--zip of two lists of 2: $rows rows, expected 2"

# a parameter the scenario does not know: exit 2, the point named, no folder
"$EDGEWATT" sweep scenarios/mm1.yaml -q -o "$tmp/bad" --param sites[0].bogus=1,2 \
    >"$tmp/bad.log" 2>&1
[ $? -eq 2 ] || fail "an unknown parameter was not refused with exit code 2: $(cat "$tmp/bad.log")"
grep -q 'sweep point 0' "$tmp/bad.log" || fail "the message names no point: $(cat "$tmp/bad.log")"
grep -q 'bogus' "$tmp/bad.log" || fail "the message names no key: $(cat "$tmp/bad.log")"
[ -e "$tmp/bad" ] && fail "a refused sweep left a results folder"
"$EDGEWATT" sweep scenarios/mm1.yaml -q -o "$tmp/none" >"$tmp/none.log" 2>&1
[ $? -eq 2 ] || fail "a scenario without a sweep and no --param was not refused"
exit 0
