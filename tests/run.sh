#!/bin/sh
# run.sh BUILD — the whole test suite against the build in BUILD
# (build/release or build/debug):
#   1. unit tests: every cmocka program BUILD/tests/test_*;
#   2. bad inputs: every tests/bad/*.yaml must be refused with exit code 2,
#      a message naming the file and a line ("FILE:LINE:COL:"), the fragment
#      given on its "# expect: ..." line, and no results folder;
#   3. command-line tests: every tests/cli/test_*.sh (exit 0 pass, 77 skip).
# Ends with "N passed, N failed, N skipped" and exits non-zero on a failure.
set -u
BUILD=${1:-build/release}
EDGEWATT=$(cd "$(dirname "$BUILD/edgewatt")" && pwd)/edgewatt
export EDGEWATT
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    if "$t" >"$tmp/out" 2>&1; then ok; else bad "$t"; cat "$tmp/out"; fi
    grep -h "PASSED\|FAILED" "$tmp/out" | sed "s|^|$(basename "$t"): |"
done

n_bad=0
for f in tests/bad/*.yaml; do
    [ -f "$f" ] || continue
    n_bad=$((n_bad + 1))
    expect=$(sed -n 's/^# expect: //p' "$f" | head -1)
    out="$tmp/bad-out"
    rm -rf "$out"
    "$EDGEWATT" run "$f" -o "$out" -q >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    msg=$(cat "$tmp/stderr")
    if [ $rc -ne 2 ]; then
        bad "$f: exit code $rc, expected 2 ($msg)"
    elif [ -z "$expect" ]; then
        bad "$f: no '# expect:' line"
    elif ! printf '%s' "$msg" | grep -qF -- "$expect"; then
        bad "$f: message lacks '$expect': $msg"
    elif ! printf '%s' "$msg" | grep -qE -- "$f:[0-9]+:[0-9]+:|--set '"; then
        bad "$f: message names no file:line:col: $msg"
    elif [ -e "$out" ] || ls -a "$tmp" | grep -q '\.bad-out\.tmp'; then
        bad "$f: a results folder was left behind"
    else
        ok
    fi
done
echo "bad inputs: $n_bad files checked"

for t in tests/cli/test_*.sh; do
    [ -f "$t" ] || continue
    sh "$t" >"$tmp/out" 2>&1
    rc=$?
    case $rc in
        0) ok; echo "ok: $t" ;;
        77) skip=$((skip + 1)); echo "skipped: $t: $(tail -1 "$tmp/out")" ;;
        *) bad "$t (exit $rc)"; cat "$tmp/out" ;;
    esac
done

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
