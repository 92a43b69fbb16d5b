# Everything CI runs is `make check`; each target also works on its own.
GO ?= go
# Tools are pinned in tools/go.mod, a module of their own, so programs that
# import this module do not inherit their requirements.
TOOL = $(GO) tool -modfile=tools/go.mod
STATICCHECK = $(TOOL) staticcheck
# bash with pipefail, so a recipe that pipes go test keeps go test's status.
SHELL := bash
.SHELLFLAGS := -o pipefail -ec
# The test step saves its counts here (*.out is ignored by git) for check
# to repeat as its very last line; CHECK_START times the whole of check.
TEST_SUMMARY = test-summary.out
CHECK_START := $(shell date +%s)

.PHONY: check generate test lint drift tidy demo import unimport import-random consumer upstream upstream-e2e

# The last lines say what passed, e.g. "812 passed, 0 failed" and
# "make check: 812 passed, 0 failed, 0 skipped in 23 packages, 6m49s".
check: lint test drift tidy
	@elapsed=$$(( $$(date +%s) - $(CHECK_START) )); \
	sed -n 1p $(TEST_SUMMARY); \
	echo "make check: $$(sed -n 2p $(TEST_SUMMARY)), $$((elapsed / 60))m$$((elapsed % 60))s; lint, drift and tidy passed"

generate:
	$(GO) generate ./...

# -v lists every test by name; -race because the client is used from many
# goroutines. testsummary prints the -json events as -v's text, then the counts.
# -timeout: go test's 10 minutes is a guard against a hang, and
# internal/cmd/upstream's tests regenerate whole trees: with 60 operations
# imported, on two loaded cores, they took 10 minutes (2-3 on a quiet one).
test:
	@rm -f $(TEST_SUMMARY)
	$(GO) test -race -count=1 -timeout 30m -v -json ./... | $(GO) run ./internal/cmd/testsummary -save $(TEST_SUMMARY)

lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt -l reports:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@# The command line also builds without the fake (-tags nofake).
	$(GO) vet -tags nofake ./cmd/rhombus
	@# fullapi is generated (250,000 lines); staticcheck would spend two
	@# minutes on code nobody edits. go vet still checks it.
	$(STATICCHECK) $$($(GO) list ./... | grep -v '/fullapi$$')

# Regenerating must reproduce the generated files byte for byte: running
# go generate again changes nothing in the tree as it is (committed, or
# just imported and not yet committed).
drift:
	@before="$$(git status --porcelain --untracked-files=all; git diff)"; \
	$(GO) generate ./... || exit 1; \
	after="$$(git status --porcelain --untracked-files=all; git diff)"; \
	if [ "$$before" != "$$after" ]; then echo "go generate changed files:"; git status --short; git diff --stat; exit 1; fi

# go.mod must be tidy: a requirement nothing uses (a tool's, say) would
# reach every program that imports the module.
tidy:
	$(GO) mod tidy -diff

# Copy operations of the vendor's pinned document (upstream/openapi.json)
# into openapi.yaml, then regenerate. OPS names them; READS names those that
# only read (safe to resend), making every other one a write; IDENTIFYING
# ("opB=field,field") names what a write creates. Without READS, an
# operation not imported before is refused until that is decided.
# PAGINATION ("opA=cursor,next,items[,pageSize]") decides how a list comes
# in pages where the shapes leave more than one reading.
# import and unimport exit non-zero unless the tree they leave builds and
# vets: the spec and the generated files stay as written, for a look, and
# the message says how to go back.
UNDO = undo with: make unimport OPS="$(OPS)" (it keeps operations imported before), or: git checkout -- openapi.yaml api wrapper
import:
	$(GO) run ./internal/cmd/import -ops "$(OPS)" $(if $(filter undefined,$(origin READS)),,-reads "$(READS)") -identifying "$(IDENTIFYING)" -pagination "$(PAGINATION)"
	@$(GO) generate ./... || { echo >&2 'make import: go generate failed after importing $(OPS); $(UNDO)'; exit 1; }
	@$(GO) build ./... && $(GO) vet ./... || { echo >&2 'make import: the tree does not build or vet after importing $(OPS) (see above); $(UNDO)'; exit 1; }

# unimport removes imported operations, and the schemas only they reach:
# the spec and the generated files are as if they had never been imported.
unimport:
	$(GO) run ./internal/cmd/import -unimport -ops "$(OPS)"
	@$(GO) generate ./... || { echo >&2 'make unimport: go generate failed; git checkout -- openapi.yaml api wrapper goes back'; exit 1; }
	@$(GO) build ./... && $(GO) vet ./... || { echo >&2 'make unimport: the tree does not build or vet without $(OPS) (see above): code outside the generated files uses them; git checkout -- openapi.yaml api wrapper goes back'; exit 1; }

# Replace the vendor's pinned document by DOC, a new version of it, after a
# report of what changed for every operation of openapi.yaml (README:
# "Updating the vendor's document"). A breaking change to one of them stops
# it with nothing written (the command exits 1) unless ACCEPT=1; one that
# disappeared stops it even then. SOURCE says where DOC comes from, for
# upstream/README.md. upstream is .PHONY: a folder has that name.
# The command is built and run, not go run, which turns every failure into
# status 1: make's "Error 1" (stopped) or "Error 2" (anything else) is then
# the command's own. make itself exits 2 for both, as it does for any failed
# recipe. ACCEPT other than 1 or 0 (say yes) is refused, not ignored.
upstream:
	@bin=$$(mktemp -d) || exit 2; trap 'rm -rf "$$bin"' EXIT; \
	$(GO) build -o "$$bin/upstream" ./internal/cmd/upstream || exit 2; \
	"$$bin/upstream" -doc "$(DOC)" $(if $(ACCEPT),-accept="$(ACCEPT)") -source "$(SOURCE)"

# Imports N operations of the vendor's document, chosen at random with
# SEED, into a scratch clone of the committed tree and runs make check there
# (CHECKS=quick: go build, vet and test); the tree here is not touched.
# N=none removes every imported operation instead: no test may depend on
# what is imported.
N ?= 60
SEED ?= 1
CHECKS ?= check
import-random:
	scripts/import-random.sh $(N) $(SEED) $(CHECKS)

# make upstream end to end in a scratch clone of the committed tree: the pin
# against itself, a breaking copy, then the additive copy of the pin twice
# (scripts/upstream-e2e.sh), then make check there (CHECKS=quick: go build,
# vet and test); the tree here is not touched.
upstream-e2e:
	scripts/upstream-e2e.sh $(CHECKS)

demo:
	$(GO) run ./cmd/rhombus demo

# The README's install recipe and testing example, run in a fresh module
# (CONSUMER_EMPTY_CACHES=1: with empty module and build caches).
consumer:
	scripts/consumer-check.sh
