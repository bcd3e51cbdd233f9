# lib.sh — sourced by the command-line tests: checks EDGEWATT, makes a
# scratch folder $tmp removed on exit, and defines fail. Tests run from the
# repository root with EDGEWATT set (tests/run.sh does both).
set -u
if [ -z "${EDGEWATT:-}" ] || [ ! -x "$EDGEWATT" ]; then
    echo "FAIL: EDGEWATT is not set to an executable (run through tests/run.sh)"
    exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
fail() { echo "FAIL: $*"; exit 1; }
