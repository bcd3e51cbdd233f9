#!/bin/sh
# screenshot-report.sh REPORT.html OUT.png — opens an edgewatt report in
# headless Chromium, checks that it loads cleanly and takes a screenshot.
#   1. --dump-dom with the browser's log on stderr: the page must log nothing
#      on the console (the report has no script, so any console line, an
#      "Uncaught" error or a failed load, is a fault), and the DOM must hold
#      as many <svg> elements as the file (every figure parsed);
#   2. --screenshot of the top 1280 × 4000 pixels into OUT.png (non-empty).
# Chromium (Debian package `chromium`) is installed with apt-get when it is
# missing and we are root or have sudo, as tools/install-deps.sh does for
# the build's packages. Exit status: 0 ok, 1 a check failed, 2 bad usage,
# 3 no Chromium and none could be installed.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 REPORT.html OUT.png" >&2
    exit 2
fi
report=$1
out=$2
[ -f "$report" ] || { echo "screenshot-report: $report: no such file" >&2; exit 2; }

find_browser() {
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then
            echo "$b"
            return 0
        fi
    done
    return 1
}

install_chromium() {
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        return 1
    fi
    echo "screenshot-report: installing chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
}

browser=$(find_browser) || { install_chromium && browser=$(find_browser); } || {
    echo "screenshot-report: no Chromium, and it could not be installed (apt-get install chromium as root)" >&2
    exit 3
}

# an absolute file:// address, and a throw-away profile so that nothing of
# an earlier run (cache, crash reports) is reused or left behind
case $report in
    /*) url="file://$report" ;;
    *) url="file://$(pwd)/$report" ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size=1280,4000 "$@" "$url"
}

# 1. loads cleanly: no console line, every <svg> in the DOM
run --enable-logging=stderr --v=0 --dump-dom >"$work/dom.html" 2>"$work/log" || {
    echo "screenshot-report: $browser failed to open $report:" >&2
    tail -5 "$work/log" >&2
    exit 1
}
if grep -E ':CONSOLE|Uncaught' "$work/log" >"$work/console"; then
    echo "screenshot-report: $report logs on the console:" >&2
    cat "$work/console" >&2
    exit 1
fi
want=$(grep -o '<svg' "$report" | wc -l)
got=$(grep -o '<svg' "$work/dom.html" | wc -l)
if [ "$got" -ne "$want" ]; then
    echo "screenshot-report: the page has $got <svg> elements once loaded, the file $want" >&2
    exit 1
fi

# 2. the screenshot
rm -f "$out"
run --screenshot="$out" >/dev/null 2>"$work/log" || {
    echo "screenshot-report: $browser failed to take the screenshot:" >&2
    tail -5 "$work/log" >&2
    exit 1
}
if [ ! -s "$out" ]; then
    echo "screenshot-report: $out is missing or empty" >&2
    exit 1
fi
echo "$out: screenshot of $report ($got figures, no console messages)"
