# Everything CI runs is `make check`; each target also works on its own.
GO ?= go
# Pinned in go.mod through tools.go.
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck

.PHONY: check generate test lint drift demo

check: lint test drift

generate:
	$(GO) generate ./...

# -v lists every test by name; -race because the client is used from many goroutines.
test:
	$(GO) test -race -count=1 -v ./...

lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt -l reports:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

# Regenerating must reproduce the committed api/*.gen.go byte for byte.
drift: generate
	git diff --exit-code
	@untracked="$$(git status --porcelain --untracked-files=all)"; \
	if [ -n "$$untracked" ]; then echo "go generate left changes:"; echo "$$untracked"; exit 1; fi

demo:
	$(GO) run ./cmd/rhombus demo
