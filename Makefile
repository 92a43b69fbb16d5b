# Everything CI runs is `make check`; each target also works on its own.
GO ?= go
# Tools are pinned in tools/go.mod, a module of their own, so programs that
# import this module do not inherit their requirements.
TOOL = $(GO) tool -modfile=tools/go.mod
STATICCHECK = $(TOOL) staticcheck

.PHONY: check generate test lint drift tidy demo import

check: lint test drift tidy

generate:
	$(GO) generate ./...

# -v lists every test by name; -race because the client is used from many goroutines.
test:
	$(GO) test -race -count=1 -v ./...

lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt -l reports:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
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
import:
	$(GO) run ./internal/cmd/import -ops "$(OPS)" $(if $(filter undefined,$(origin READS)),,-reads "$(READS)") -identifying "$(IDENTIFYING)"
	$(GO) generate ./...

demo:
	$(GO) run ./cmd/rhombus demo
