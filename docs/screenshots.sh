#!/bin/sh
# Regenerates the report screenshots under docs/ from a results file:
#
#   docs/screenshots.sh [results/reference/quick/results.txt]
#
# It builds the report into a temporary directory, cuts from it a page of
# one scenario group's charts (the burst workload, where a static PNG hides
# the most), and photographs the whole report's top and that page with
# headless Chromium (apt-get install -y chromium). Needs go, python3,
# chromium; pngquant, if installed, shrinks the PNGs.
set -eu
results=${1:-results/reference/quick/results.txt}
group=${GROUP:-workerpool-burst}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$(dirname "$0")/.."
go run ./cmd/runbench report -o "$out" "$results" >/dev/null
# The charts of one group: the page's CSS and script, and every figure
# whose title names the group.
python3 - "$out/report.html" "$out/charts.html" "$group" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
style = re.search(r"<style>.*?</style>", page, re.S).group(0)
figs = re.findall(r"<figure.*?</figure>", page, re.S)
want = [f for f in figs if sys.argv[3] in f]
script = re.search(r"<script>.*?</script>", page, re.S)
body = "".join(want)
if script and script.group(0) not in body:
    body += script.group(0)
open(sys.argv[2], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><head><meta charset="utf-8">' + style +
    '</head><body><div class="charts">' + body + "</div></body></html>")
PY
shot() { # file url width height
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--screenshot="$1" --window-size="$3,$4" "$2" >/dev/null 2>&1
	if command -v pngquant >/dev/null; then pngquant --force --output "$1" -- "$1"; fi
}
shot docs/report-top.png "file://$out/report.html" 1280 1400
shot docs/report-charts.png "file://$out/charts.html" 900 2200
echo "wrote docs/report-top.png docs/report-charts.png (charts of $group)"
