#!/usr/bin/env bash
# Tries the importer on the vendor's variety: in a scratch clone of this
# repository's committed tree, imports N operations chosen at random with
# SEED (internal/cmd/pickops derives the decisions: get/find/list reads,
# other writes identified by their top-level ...Uuid fields), then runs the
# checks. Nothing here is changed; the clone is removed unless KEEP=1.
#
#   scripts/import-random.sh N SEED [check|quick]    (N = 0: every operation)
#
# check runs `make check`; quick runs go build, go vet and go test ./...
set -euo pipefail
n=${1:?usage: scripts/import-random.sh N SEED [check|quick]}
seed=${2:?usage: scripts/import-random.sh N SEED [check|quick]}
checks=${3:-check}
case $checks in check | quick) ;; *) echo "import-random: the checks are check or quick, not $checks" >&2; exit 2 ;; esac
root=$(git rev-parse --show-toplevel)
dir=$(mktemp -d "${TMPDIR:-/tmp}/import-random.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$dir"' EXIT
git clone -q "$root" "$dir"
cd "$dir"
{ read -r ops; read -r reads; read -r ident; } < <(go run ./internal/cmd/pickops -n "$n" -seed "$seed")
echo "import-random: N=$n SEED=$seed in $dir: $(wc -w <<<"$ops") operations, $(wc -w <<<"$reads") of them reads"
echo "OPS=\"$ops\""
echo "READS=\"$reads\""
echo "IDENTIFYING=\"$ident\""
make import OPS="$ops" READS="$reads" IDENTIFYING="$ident" >import.out || { tail -n 40 import.out; echo "import-random: make import failed" >&2; exit 1; }
grep -c '^repaired:' import.out | sed 's/^/import-random: repairs listed: /'
if [ "$checks" = check ]; then
	make check
else
	go build ./... && go vet ./... && go test ./...
fi
echo "import-random: N=$n SEED=$seed: $checks passed"
