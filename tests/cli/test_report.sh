#!/bin/sh
# test_report.sh — `edgewatt report` on a results file with every figure
# table, a headline, provenance tables and a scenario (`test_figtable
# --fixture`, beside EDGEWATT) whose title holds <script> and & :
# - report.html: non-empty, one inlined <svg> per figure file, every figure
#   file non-empty, the title HTML-escaped (no <script> anywhere), nothing
#   loaded from outside (no src=, <link>, http(s) href or url()), the
#   headline, the provenance tables, the seed, the replications and the
#   scenario text (escaped) all there;
# - report.md: every figure referenced as a file, the headline as a table;
# - a report of a real run (scenarios/default.yaml, an hour), with every figure;
# - a missing file exits 2; without gnuplot the report is written without
#   figures;
# - when Chromium is installed, tools/screenshot-report.sh opens the page
#   with no console message, finds every <svg> and leaves a non-empty PNG.
# Run from the repository root with EDGEWATT set (tests/run.sh does both).
. tests/cli/lib.sh

skipped=""
fixture=$(dirname "$EDGEWATT")/tests/test_figtable
[ -x "$fixture" ] || fail "$fixture is missing (make BUILD=... tests builds it)"
title='Edge vs <script>alert(1)</script> & "cloud"'
"$fixture" --fixture "$tmp/results.h5" "$title" || fail "test_figtable --fixture failed"

# ---- bad input ----
"$EDGEWATT" report "$tmp/nothing.h5" -o "$tmp/bad" >/dev/null 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] || fail "missing file: exit code $rc, expected 2"
grep -qF "$tmp/nothing.h5" "$tmp/stderr" || fail "missing file: message: $(cat "$tmp/stderr")"

# ---- no gnuplot: a report without figures, saying why ----
mkdir "$tmp/bin"
PATH="$tmp/bin" "$EDGEWATT" report "$tmp/results.h5" -o "$tmp/nognuplot" >/dev/null 2>&1 ||
    fail "with no gnuplot on PATH, report exited $?"
grep -q 'gnuplot is not installed' "$tmp/nognuplot/report.html" ||
    fail "with no gnuplot on PATH, report.html does not say why it has no figures"
[ -s "$tmp/nognuplot/report.md" ] || fail "with no gnuplot on PATH, report.md is missing"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "the rest passed, but gnuplot is not on PATH, so no report with figures was checked"
    exit 77
fi

# ---- the fixture's report ----
out=$tmp/report
"$EDGEWATT" report "$tmp/results.h5" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr" ||
    fail "edgewatt report exited $?: $(cat "$tmp/stderr")"
html=$out/report.html
md=$out/report.md
[ -s "$html" ] || fail "report.html is missing or empty"
[ -s "$md" ] || fail "report.md is missing or empty"
n=0
for f in "$out"/*.svg; do
    [ -s "$f" ] || fail "figure $f is empty"
    n=$((n + 1))
    stem=$(basename "$f")
    grep -qF "]($stem)" "$md" || fail "report.md does not reference $stem"
done
[ $n -eq 7 ] || fail "$n figure files, expected 7 (one per figure of the 6 figure tables)"
svgs=$(grep -o '<svg' "$html" | wc -l)
[ "$svgs" -eq "$n" ] || fail "report.html inlines $svgs <svg> elements for $n figures"
[ "$(grep -c '<figcaption>' "$html")" -eq "$n" ] || fail "report.html: not one caption per figure"

# escaped, self-contained
grep -qF 'Edge vs &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;cloud&quot;' "$html" ||
    fail "report.html does not show the title HTML-escaped"
grep -qi '<script' "$html" && fail "report.html holds a <script> element"
grep -qiE 'src=|<link|href="https?:|href=.https?:|url\(["'"'"']?https?:|@import' "$html" &&
    fail "report.html loads something from outside: $(grep -oiE 'src=|<link|href=.https?:[^ ]*|url\([^)]*\)|@import' "$html" | head -3)"
grep -qF 'Edge vs &lt;script&gt;' "$md" || fail "report.md does not HTML-escape the title"

# the content a reader needs
for want in 'Energy per query [Wh]' '0.236 ± 0.01' 'seed 42' '10 replications' \
    'rtx-4090' 'Ember 2024 &amp; ENTSO-E' 'NVIDIA H100 &lt;SXM5&gt;' \
    '# &lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot;' 'Attributional view' \
    'Incremental view' 'Facility'; do
    grep -qF -- "$want" "$html" || fail "report.html lacks: $want"
done
grep -qF '| Arm | Replications | Energy per query [Wh] |' "$md" || fail "report.md has no headline table"
grep -q '^```yaml' "$md" || fail "report.md does not show the scenario in a code block"

# ---- a real run: scenarios/default.yaml (an hour of it), every figure ----
"$EDGEWATT" run scenarios/default.yaml --set run.duration=1h -o "$tmp/r" -q --no-plot \
    >"$tmp/stdout" 2>"$tmp/stderr" || fail "edgewatt run default exited $?: $(cat "$tmp/stderr")"
"$EDGEWATT" report "$tmp/r/results.h5" -o "$tmp/rr" >"$tmp/stdout" 2>"$tmp/stderr" ||
    fail "report of the default run exited $?: $(cat "$tmp/stderr")"
[ -s "$tmp/rr/report.html" ] && [ -s "$tmp/rr/report.md" ] || fail "default: no report"
for f in energy_by_boundary latency_cdf power_by_kind-dc power_by_kind-edge frontier; do
    [ -s "$tmp/rr/$f.svg" ] || fail "default: figure $f.svg is missing or empty"
done
n=$(ls "$tmp/rr" | grep -c '\.svg$')
[ "$(grep -o '<svg' "$tmp/rr/report.html" | wc -l)" -eq "$n" ] || fail "default: not one <svg> per figure"
grep -qF 'Scenario default' "$tmp/rr/report.html" || fail "default: the report does not name the scenario"

# ---- the page in a browser ----
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    sh tools/screenshot-report.sh "$html" "$tmp/shot.png" >"$tmp/stdout" 2>"$tmp/stderr" ||
        fail "screenshot-report.sh: $(cat "$tmp/stderr")"
    [ -s "$tmp/shot.png" ] || fail "screenshot-report.sh left no PNG"
    sh tools/screenshot-report.sh "$tmp/rr/report.html" "$tmp/shot-default.png" >"$tmp/stdout" \
        2>"$tmp/stderr" || fail "screenshot of the default report: $(cat "$tmp/stderr")"
    [ -s "$tmp/shot-default.png" ] || fail "no screenshot of the default report"
else
    skipped="$skipped; Chromium is not installed, so the page was not opened in a browser"
fi

if [ -n "$skipped" ]; then
    echo "the rest passed, but${skipped#;}"
    exit 77
fi
exit 0
