#!/bin/sh
# test_validate.sh — `edgewatt validate` predicts every row of
# data/validation.csv (none skipped), each error is (predicted − published)
# / published, a per-token row is its per-request row divided by the output
# tokens, the summary is per metric (never pooled) and names each device's
# laws, a row naming an unknown device is an error with its line, and a
# calibration file for h100-sxm (fitted from the synthetic raw file) is what
# its rows then use, the other devices keep their datasheet defaults.
. tests/cli/lib.sh

"$EDGEWATT" validate --csv >"$tmp/v.csv" 2>"$tmp/err" || fail "validate --csv: $(cat "$tmp/err")"
rows=$(grep -cv '^#\|^id,' data/validation.csv)
[ "$(grep -cv '^id,' "$tmp/v.csv")" -eq "$rows" ] || fail "expected $rows rows"
# no row skipped: every predicted cell is a number, and the error agrees with it
awk -F, 'NR > 1 { p = $9 + 0; if ($9 == "nan" || p <= 0) { print "not predicted: " $1; bad = 1 }
     e = 100 * (p - $8) / $8; d = e - $10; if (d < 0) d = -d
     if (d > 0.06 + 0.001 * (e < 0 ? -e : e)) { print "error of " $1 ": " $10 " vs " e; bad = 1 } }
     END { exit bad }' "$tmp/v.csv" || fail "rows not predicted or errors wrong"
# the H100 rows (ML.ENERGY v3) are there; per token = per request / output tokens
for id in mle3-8b-h100-b8 mle3-8b-h100-b64 mle3-70b-h100-b64; do
    req=$(awk -F, -v i="$id" '$1 == i { print $9 }' "$tmp/v.csv")
    tok=$(awk -F, -v i="$id-t" '$1 == i { print $9 }' "$tmp/v.csv")
    out=$(awk -F, -v i="$id" '$1 == i { print $8 }' data/validation.csv)
    awk -v r="$req" -v t="$tok" -v o="$out" 'BEGIN { d = r / o / t - 1; if (d < 0) d = -d
        exit !(r > 0 && d < 1e-5) }' || fail "$id: per token $tok, per request $req, output $out"
done

"$EDGEWATT" validate >"$tmp/v.txt" 2>"$tmp/err" || fail "validate: $(cat "$tmp/err")"
grep -q "^  h100-sxm  *j_per_request  *5 rows .* laws: datasheet defaults (family hopper" \
    "$tmp/v.txt" || fail "no h100-sxm summary line: $(grep h100 "$tmp/v.txt")"
grep -q "^  h100-sxm  *j_per_output_token  *3 rows " "$tmp/v.txt" ||
    fail "no h100-sxm per-token summary line: $(grep h100 "$tmp/v.txt")"
# per metric, never pooled: the counts of the metric lines add up to the rows
n=$(awk '/^By metric:/ { on = 1; next } on && / predictions: / { s += $2 } END { print s + 0 }' \
    "$tmp/v.txt")
[ "$n" -eq "$rows" ] || fail "the metric summaries count $n of $rows rows"
# the worst per-token error is the worst of the per-token rows
w=$(awk -F, '$7 == "j_per_output_token" { e = $10 < 0 ? -$10 : $10; if (e > w) w = e }
     END { printf "%.1f", w }' "$tmp/v.csv")
grep -q "^  j_per_output_token  *3 predictions: .*worst  *$w%" "$tmp/v.txt" ||
    fail "per-token worst not $w%: $(grep '^  j_per_output_token' "$tmp/v.txt")"

# a row that cannot be predicted (a device not in the catalogue) is named by
# its line, the others are still printed, and the exit status is 2
mkdir -p "$tmp/bad"
cp data/*.csv "$tmp/bad/"
grep '^mle3-8b-h100-b8,' data/validation.csv | sed 's/^mle3-8b-h100-b8,/typo-row,/; s/,h100-sxm,/,h100-sxn,/' \
    >>"$tmp/bad/validation.csv"
line=$(wc -l <"$tmp/bad/validation.csv")
"$EDGEWATT" validate --data "$tmp/bad" >"$tmp/b.txt" 2>"$tmp/err"
[ $? -eq 2 ] || fail "an unknown device did not exit 2"
grep -q "^typo-row  *skipped: device not in the catalogue" "$tmp/b.txt" || fail "no skip line"
grep -q "validation.csv: 1 of $((rows + 1)) rows could not be predicted (line $line;" "$tmp/err" ||
    fail "message: $(cat "$tmp/err")"
grep -q '^mle3-8b-h100-b64 ' "$tmp/b.txt" || fail "the other rows were not printed"

# with a calibration for h100-sxm: its rows use it, and their predictions change
mkdir -p "$tmp/data"
cp data/*.csv "$tmp/data/"
"$EDGEWATT" calibrate fit tests/data/raw-synthetic.csv --device h100-sxm --data "$tmp/data" \
    >/dev/null 2>"$tmp/err" || fail "fit: $(cat "$tmp/err")"
"$EDGEWATT" validate --csv --data "$tmp/data" >"$tmp/c.csv" 2>"$tmp/err" ||
    fail "validate with a calibration: $(cat "$tmp/err")"
n=$(grep -c "^mle3-.*calibration $tmp/data/calibration/h100-sxm.csv" "$tmp/c.csv")
[ "$n" -eq 8 ] || fail "$n of 8 H100 rows use the calibration"
grep '^mle2-' "$tmp/c.csv" | grep -qv 'datasheet defaults' && fail "an A100 row lost its defaults"
a=$(awk -F, '$1 == "mle3-8b-h100-b64" { print $9 }' "$tmp/v.csv")
b=$(awk -F, '$1 == "mle3-8b-h100-b64" { print $9 }' "$tmp/c.csv")
[ "$a" != "$b" ] || fail "the calibration did not change the H100 prediction ($a)"
exit 0
