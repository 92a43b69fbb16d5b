#!/usr/bin/env bash
# The bulk default from the command line: `rhombus register-devices` with
# default flags, ROWS rows, against `rhombus fake --rate-limit RATE --burst
# 20`, RUNS times; one line per run with the wall time, the minimum
# (ROWS - 20) / RATE, and the 429s the fake answered. BENCHMARKS.md quotes it:
#
#	scripts/bulk-timing.sh 50        # RATE [ROWS [RUNS]]: 300 rows, 5 runs
set -euo pipefail
rate=${1:?usage: scripts/bulk-timing.sh RATE [ROWS [RUNS]]}
rows=${2:-300}
runs=${3:-5}
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'kill "$fake" 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/rhombus" ./cmd/rhombus
{ echo serialNumber; for i in $(seq 1 "$rows"); do printf 'RH%06d\n' "$i"; done; } >"$dir/devices.csv"

for run in $(seq 1 "$runs"); do
	# A fresh fake each run: its bucket starts full, its registrations empty.
	"$dir/rhombus" fake --rate-limit "$rate" --burst 20 >"$dir/fake.out" 2>"$dir/fake.log" &
	fake=$!
	until [ "$(grep -c . "$dir/fake.out" 2>/dev/null)" -ge 2 ]; do sleep 0.05; done
	url=$(sed -n 's/^endpoint url: //p' "$dir/fake.out")
	key=$(sed -n 's/^api key: //p' "$dir/fake.out")
	rm -f "$dir/devices.csv.results.csv"
	start=$(date +%s%N)
	RHOMBUS_API_KEY=$key "$dir/rhombus" --endpoint-url "$url" --output json register-devices --csv "$dir/devices.csv" >"$dir/summary.txt" 2>"$dir/bulk.log"
	end=$(date +%s%N)
	kill "$fake"
	wait "$fake" || true
	created=$(sed -n 's/^ *"created": \([0-9]*\),$/\1/p' "$dir/summary.txt")
	refused=$(grep -c -- '-> 429' "$dir/fake.log" || true)
	awk -v r="$rate" -v n="$rows" -v run="$run" -v s="$start" -v e="$end" -v c="$created" -v q="$refused" 'BEGIN {
		wall = (e - s) / 1e9; min = (n - 20) / r
		printf "rate %s/s, %d rows, run %d: %.2f s (minimum %.1f s, %.2fx), %d 429s, %d created\n", r, n, run, wall, min, wall / min, q, c
	}'
done
