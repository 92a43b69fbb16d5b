#!/usr/bin/env bash
# Tries `make upstream` end to end in a scratch clone of this repository's
# committed tree, on copies of the pinned document that
# internal/cmd/upstream/mkcopy makes:
#   1. the pin itself: exit 0, nothing to update, the tree unchanged;
#   2. a breaking copy (a property removed from an imported operation's
#      answer): the command exits 1 (make: Error 1, and make exits 2),
#      nothing written; its report is printed as a user sees it;
#   3. the additive copy (a new operation; a new optional property on an
#      imported operation's answer): exit 0, pinned byte for byte with its
#      sha256 in upstream/README.md, regenerated; the same copy again
#      changes nothing;
#   4. the checks on the updated tree: make check (quick: go build, go vet
#      and go test ./...).
# Nothing here is changed; the clone is removed unless KEEP=1.
#
#   scripts/upstream-e2e.sh [check|quick]
set -euo pipefail
checks=${1:-check}
case $checks in check | quick) ;; *) echo "upstream-e2e: the checks are check or quick, not $checks" >&2; exit 2 ;; esac
root=$(git rev-parse --show-toplevel)
dir=$(mktemp -d "${TMPDIR:-/tmp}/upstream-e2e.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$dir"' EXIT
git clone -q "$root" "$dir/repo"
cd "$dir/repo"
say() { echo "upstream-e2e: $*"; }
fail() { echo "upstream-e2e: FAILED: $*" >&2; exit 1; }
# tree is what git sees of the working tree, to compare before and after.
tree() { git status --porcelain --untracked-files=all; git diff; }
# upstream runs make upstream with its output in $1.out; its status is $rc.
upstream() {
	local out=$1
	shift
	rc=0
	# Run from make upstream-e2e too: make[1] then, without its directory lines.
	make --no-print-directory upstream "$@" >"$dir/$out.out" 2>&1 || rc=$?
}

say "in $dir/repo, at $(git log -1 --format='%h %s')"
go run ./internal/cmd/upstream/mkcopy -o "$dir/breaking.json" response-property-removed
go run ./internal/cmd/upstream/mkcopy -o "$dir/additive.json" additive
go build -o "$dir/upstream" ./internal/cmd/upstream

# 1. The pin against itself.
upstream pin DOC=upstream/openapi.json
[ "$rc" = 0 ] || { cat "$dir/pin.out"; fail "the pin against itself: make exited $rc, want 0"; }
grep -q '^the new document is the pinned one: nothing to update.$' "$dir/pin.out" || fail "the pin against itself: not nothing to update"
[ -z "$(tree)" ] || { git status --short; fail "the pin against itself changed the tree"; }
say "1. the pin against itself: exit 0, $(grep -c ': no change$' "$dir/pin.out") operations of openapi.yaml with no change, tree clean"

# 2. A breaking copy: the command's status directly, then through make.
status=0
"$dir/upstream" -doc "$dir/breaking.json" >"$dir/breaking-direct.out" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$dir/breaking-direct.out"; fail "the breaking copy: the command exited $status, want 1"; }
upstream breaking DOC="$dir/breaking.json"
grep -q '^make\(\[[0-9]*\]\)\?: \*\*\* \[Makefile:[0-9]*: upstream\] Error 1$' "$dir/breaking.out" && [ "$rc" = 2 ] ||
	{ cat "$dir/breaking.out"; fail "the breaking copy: make exited $rc without Error 1, want make's 2 and the command's 1"; }
grep -q '^stopped: breaking changes to getCameraMediaUris\. Nothing was written' "$dir/breaking.out" || fail "the breaking copy: no stopped: line naming getCameraMediaUris"
[ -z "$(tree)" ] || { git status --short; fail "the breaking copy changed the tree"; }
say "2. a breaking copy: the command exits 1, make says Error 1 and exits 2, tree clean; what make upstream DOC=breaking.json prints:"
sed 's/^/    | /' "$dir/breaking.out"

# 3. The additive copy, twice.
start=$(date +%s)
upstream additive DOC="$dir/additive.json" SOURCE="scripts/upstream-e2e.sh, the additive copy"
elapsed=$(($(date +%s) - start))
[ "$rc" = 0 ] || { tail -n 40 "$dir/additive.out"; fail "the additive copy: make exited $rc, want 0"; }
grep -q '^updated: ' "$dir/additive.out" || fail "the additive copy: no updated: line"
cmp -s "$dir/additive.json" upstream/openapi.json || fail "upstream/openapi.json is not the additive copy byte for byte"
sum=$(sha256sum "$dir/additive.json" | cut -d' ' -f1)
grep -qx "| sha256 | $sum |" upstream/README.md || fail "upstream/README.md does not record sha256 $sum"
grep -qx '| source | scripts/upstream-e2e.sh, the additive copy |' upstream/README.md || fail "upstream/README.md does not record the source"
grep -q 'wanLiveAv1Uri' openapi.yaml || fail "openapi.yaml lacks the new property wanLiveAv1Uri"
grep -q 'json:"wanLiveAv1Uri' api/api.gen.go || fail "api/api.gen.go lacks the new property wanLiveAv1Uri"
grep -q '"/api/camera/getMediaUrisV2"' fullapi/fullapi.gen.go || fail "fullapi lacks the new operation getMediaUrisV2"
say "3. the additive copy: exit 0 in ${elapsed}s; re-pinned (sha256 $sum), regenerated; changed:"
git status --short | sed 's/^/    /'
grep -E '^  getCameraMediaUris |^    additive |^the rest of the document|^  added: |^--- PASS: |^updated: ' "$dir/additive.out" | sed 's/^/    | /'
updated=$(tree)
upstream again DOC="$dir/additive.json" SOURCE="scripts/upstream-e2e.sh, the additive copy"
[ "$rc" = 0 ] || { cat "$dir/again.out"; fail "the additive copy again: make exited $rc, want 0"; }
grep -q '^the new document is the pinned one: nothing to update.$' "$dir/again.out" || fail "the additive copy again: not nothing to update"
[ "$(tree)" = "$updated" ] || fail "the additive copy again changed the tree"
say "   the same copy again: exit 0, nothing to update, tree as the first run left it"

# 4. The checks on the updated tree.
say "4. $checks on the updated tree"
if [ "$checks" = check ]; then
	make check
else
	go build ./... && go vet ./... && go test ./...
fi
say "$checks passed on the tree updated to the additive copy"
