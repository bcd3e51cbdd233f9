#!/bin/sh
# test_chat_events.sh — event economy (issue: a run of 10^6 chat queries with
# 200 to 500 output tokens processes fewer than 10 events per query): the
# H100 chat scenario to 10^6 arrivals; events and arrivals from results.h5.
. tests/cli/lib.sh
command -v h5dump >/dev/null || { echo "h5dump is not installed"; exit 77; }
"$EDGEWATT" run scenarios/dc-h100-chat.yaml -o "$tmp/out" -q --no-plot \
    --set run.max_arrivals=1000000 || fail "the run failed"
num() { h5dump -d "$1" "$tmp/out/results.h5" | sed -n 's/^ *(0): *//p' | head -1; }
events=$(num /summary/events)
arrivals=$(num /summary/arrivals)
echo "$events events for $arrivals queries"
[ "$arrivals" -eq 1000000 ] || fail "expected 10^6 arrivals, got $arrivals"
awk -v e="$events" -v a="$arrivals" 'BEGIN { exit !(e / a < 10) }' ||
    fail "$events events for $arrivals queries is 10 or more per query"
exit 0
