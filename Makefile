# Everyday tasks. Each target is a thin wrapper over a plain go command,
# so nothing here is required: README.md lists the commands themselves.

GO      ?= go
BIN     ?= bin/vadesk
PKGS    ?= ./...

export CGO_ENABLED := 1

.PHONY: help run test lint bench build vuln compose-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## serve on http://127.0.0.1:8080 (database ./data/vadesk.db)
	$(GO) run ./cmd/vadesk

test: ## run every test, with the race detector
	$(GO) test -race -count=1 $(PKGS)

lint: ## gofmt (fails if any file needs formatting) and go vet
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: ## benchmark at small scale; prints a table, writes bench.json
	$(GO) run ./cmd/vadesk-bench -scale small -json bench.json

build: ## build bin/vadesk (override with BIN=path)
	$(GO) build -trimpath -ldflags "-s -w" -o $(BIN) ./cmd/vadesk

vuln: ## govulncheck (offline database) against the reviewed allow-list .ci/govulncheck-allow.txt
	.ci/vulncheck $(PKGS)

compose-check: ## validate docker-compose.yml
	docker-compose config -q
