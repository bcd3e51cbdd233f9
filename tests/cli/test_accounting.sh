#!/bin/sh
# test_accounting.sh — `edgewatt run scenarios/default.yaml` prints, per arm,
# Wh per query at each boundary in both views, gCO2e per query (operational
# and embodied), litres per 1000 queries, USD per 1000 queries and the edge
# operators' median profit per node-hour; summary.csv's `all` rows keep the
# layers' conservation within the rounding of its 10 significant digits.
. tests/cli/lib.sh

"$EDGEWATT" run scenarios/default.yaml -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" ||
    fail "default.yaml: $(cat "$tmp/stderr")"
grep -q '^arm  *view  *accel  *+host  *+idle  *+facility  *+network  *gCO2e op  *embodied  *L/1k q  *USD/1k q  *USD/Mtok  *op. USD/h$' \
    "$tmp/stdout" || fail "no accounting table header in the output"
for arm in dc edge; do
    awk -v arm="$arm" '
        $1 == arm && $2 == "attr" { a = 1; n = NF; for (i = 3; i <= 12; i++) if ($i + 0 != $i || $i < 0) bad = 1; next }
        a && $1 == "incr" { i_ = 1; for (i = 2; i <= 8; i++) if ($i + 0 != $i || $i < 0) bad = 1; a = 0 }
        END { exit !(n >= 12 && i_ && !bad) }' "$tmp/stdout" ||
        fail "arm $arm: no attributional and incremental rows with numbers"
done
# the edge arm reports its operators: a signed median profit and the share at a loss
grep -E '^edge  *attr ' "$tmp/stdout" | grep -qE '[+-][0-9.e-]+$' || fail "edge: no operator profit"
grep -qE '% lose$' "$tmp/stdout" || fail "edge: no share of operators at a loss"

# conservation in summary.csv, arm by arm (the all rows)
awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["site"] == "all" {
        n++
        split("energy_j accel_query_j accel_idle_j accel_unfinished_j " \
              "host_energy_j host_query_j host_idle_j host_unfinished_j " \
              "facility_energy_j facility_query_j facility_idle_j facility_unfinished_j", f, " ")
        for (k = 0; k < 3; k++) {
            whole = $c[f[4 * k + 1]]; parts = $c[f[4 * k + 2]] + $c[f[4 * k + 3]] + $c[f[4 * k + 4]]
            if (whole == 0 && parts == 0) continue
            d = whole - parts; if (d < 0) d = -d
            if (d > 1e-8 * whole) { printf "arm %s: %s %.10g != parts %.10g\n", $c["arm"], f[4 * k + 1], whole, parts; bad = 1 }
        }
    }
    END { exit !(n == 2 && !bad) }' "$tmp/out/summary.csv" || fail "layers do not add up in summary.csv"
echo "ok: accounting table and conservation on default.yaml"
