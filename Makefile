# Everyday tasks. Each target is a thin wrapper over a plain go command,
# so nothing here is required: README.md lists the commands themselves.

GO      ?= go
BIN     ?= bin/vadesk
PKGS    ?= ./...

# staticcheck is pinned so that every machine flags the same things. lint
# uses the staticcheck on PATH or in go install's directory when it is this
# version, and installs this version there otherwise.
STATICCHECK_VERSION := v0.8.2
GOBIN_DIR            = $(or $(shell $(GO) env GOBIN),$(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin)

export CGO_ENABLED := 1

.PHONY: help run test lint bench build vuln compose-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## serve on http://127.0.0.1:8080 (database ./data/vadesk.db)
	$(GO) run ./cmd/vadesk

test: ## run every test, with the race detector
	$(GO) test -race -count=1 $(PKGS)

lint: ## gofmt (fails if any file needs formatting), go vet and staticcheck (installed when missing)
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@pinned() { "$$1" -version 2>/dev/null | grep -qF "($(STATICCHECK_VERSION:v%=%))"; }; \
	sc=$$(command -v staticcheck || true); \
	if [ -z "$$sc" ] || ! pinned "$$sc"; then \
	  sc="$(GOBIN_DIR)/staticcheck"; \
	  if ! pinned "$$sc"; then \
	    echo "installing staticcheck $(STATICCHECK_VERSION) into $(GOBIN_DIR)"; \
	    $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) || exit 1; \
	  fi; \
	fi; \
	echo "$$sc $(PKGS)"; "$$sc" $(PKGS)

bench: ## benchmark at small scale; prints a table, writes bench.json
	$(GO) run ./cmd/vadesk-bench -scale small -json bench.json

build: ## build bin/vadesk (override with BIN=path)
	$(GO) build -trimpath -ldflags "-s -w" -o $(BIN) ./cmd/vadesk

vuln: ## govulncheck (offline database) against the reviewed allow-list .ci/govulncheck-allow.txt
	.ci/vulncheck $(PKGS)

compose-check: ## validate docker-compose.yml
	docker-compose config -q
