#!/usr/bin/env bash
# Tries the importer on the vendor's variety: in a scratch clone of this
# repository's committed tree, imports N operations chosen at random with
# SEED (internal/cmd/pickops derives the decisions: get/find/list reads,
# other writes identified by their top-level ...Uuid fields), then runs the
# checks. Nothing here is changed; the clone is removed unless KEEP=1.
#
# N = none goes the other way: every imported operation is removed (make
# unimport), leaving the hand-written ones, which shows that no test
# depends on what is imported.
#
#   scripts/import-random.sh N SEED [check|quick]    (N = 0: every operation)
#   scripts/import-random.sh none SEED [check|quick] (SEED unused)
#
# check runs `make check`; quick runs go build, go vet (also with the tag
# nofake on cmd/rhombus) and go test ./...
set -euo pipefail
usage='usage: scripts/import-random.sh N|none SEED [check|quick]'
n=${1:?$usage}
seed=${2:?$usage}
checks=${3:-check}
case $checks in check | quick) ;; *) echo "import-random: the checks are check or quick, not $checks" >&2; exit 2 ;; esac
root=$(git rev-parse --show-toplevel)
dir=$(mktemp -d "${TMPDIR:-/tmp}/import-random.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$dir"' EXIT
git clone -q "$root" "$dir"
cd "$dir"
if [ "$n" = none ]; then
	# The operations between the markers of the imported region of paths.
	ops=$(awk '/^  # --- imported paths:/ { on = 1 } /^  # --- end of imported paths ---/ { on = 0 } on && /^      operationId: / { print $2 }' openapi.yaml | tr '\n' ' ')
	ops=${ops% }
	echo "import-random: N=none in $dir: removing the $(wc -w <<<"$ops") imported operations"
	echo "OPS=\"$ops\""
	if [ -n "$ops" ]; then
		make unimport OPS="$ops" >unimport.out 2>&1 || { tail -n 40 unimport.out; echo "import-random: make unimport failed" >&2; exit 1; }
	fi
	if grep -q 'x-rhombus-imported: true' openapi.yaml; then
		echo "import-random: openapi.yaml still has imported operations" >&2
		exit 1
	fi
else
	{ read -r ops; read -r reads; read -r ident; } < <(go run ./internal/cmd/pickops -n "$n" -seed "$seed")
	echo "import-random: N=$n SEED=$seed in $dir: $(wc -w <<<"$ops") operations, $(wc -w <<<"$reads") of them reads"
	echo "OPS=\"$ops\""
	echo "READS=\"$reads\""
	echo "IDENTIFYING=\"$ident\""
	make import OPS="$ops" READS="$reads" IDENTIFYING="$ident" >import.out || { tail -n 40 import.out; echo "import-random: make import failed" >&2; exit 1; }
	grep -c '^repaired:' import.out | sed 's/^/import-random: repairs listed: /'
fi
if [ "$checks" = check ]; then
	make check
else
	go build ./... && go vet ./... && go vet -tags nofake ./cmd/rhombus && go test -timeout 30m ./...
fi
echo "import-random: N=$n SEED=$seed: $checks passed"
