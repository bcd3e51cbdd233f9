#!/bin/sh
# test_cost_agrees.sh — `edgewatt cost` and the simulator compute the same
# thing (issue: the calculator agrees exactly with the cost model the
# simulator uses): one request of 713 + 289 tokens alone on an H100, its
# simulated latency and GPU energy (summary.csv, 10 significant digits)
# against the calculator's query line (17 digits), to 1e-9 relative.
. tests/cli/lib.sh

cat >"$tmp/one.yaml" <<'YAML'
name: one
run: {max_arrivals: 1, drain: true}
workload:
  arrivals: {process: deterministic, rate: 1/s}
  classes:
    - {name: chat, kind: llm, model: llama-3.1-8b, share: 1, prompt_tokens: 713, output_tokens: 289}
sites:
  - name: dc
    servers: 1
    serving: {device: h100-sxm, model: llama-3.1-8b, tp: 1, max_batch: 1, max_context: 4096}
YAML
"$EDGEWATT" run "$tmp/one.yaml" -o "$tmp/out" -q --no-plot || fail "the run failed"
"$EDGEWATT" cost --model llama-3.1-8b --device h100-sxm --gpus 1 --prompt 713 --output 289 \
    --batch 1 --csv >"$tmp/cost.csv" || fail "edgewatt cost failed"
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
lat=$(awk -F, -v c="$(col "$tmp/out/summary.csv" sojourn_mean_s)" '$4=="all"{print $c}' "$tmp/out/summary.csv")
ene=$(awk -F, -v c="$(col "$tmp/out/summary.csv" query_energy_mean_j)" '$4=="all"{print $c}' "$tmp/out/summary.csv")
qt=$(awk -F, '$1=="query"{print $5}' "$tmp/cost.csv")
qe=$(awk -F, '$1=="query"{print $6}' "$tmp/cost.csv")
echo "latency: simulated $lat s, calculator $qt s; energy: simulated $ene J, calculator $qe J"
awk -v a="$lat" -v b="$qt" -v c="$ene" -v d="$qe" 'BEGIN {
    e1 = (a - b) / b; if (e1 < 0) e1 = -e1
    e2 = (c - d) / d; if (e2 < 0) e2 = -e2
    exit !(e1 <= 1e-9 && e2 <= 1e-9 && b > 0 && d > 0) }' ||
    fail "simulator and calculator disagree beyond 1e-9"
# the calculator refuses what cannot fit, naming model, device and memory
if "$EDGEWATT" cost --model llama-3.1-70b --device rtx-3090 --gpus 1 >"$tmp/o" 2>"$tmp/e"; then
    fail "70B in bf16 on one 24 GB card was accepted"
fi
grep -q "llama-3.1-70b" "$tmp/e" && grep -q "rtx-3090" "$tmp/e" && grep -q "GB" "$tmp/e" ||
    fail "unclear refusal: $(cat "$tmp/e")"
exit 0
