# Shipdeck task runner. `make run` and `make test` are the two commands of the README.
SHELL := /bin/bash
VERSION := $(shell sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
LDFLAGS := -X shipdeck/app.Version=$(VERSION)
WAILS := go tool wails
# Linux links WebKitGTK 4.1 (4.0 is gone from Debian 13, Ubuntu 24.04 and
# Fedora 40): every go command of this file builds with the tag, and wails
# is given it explicitly (its own -tags would replace GOFLAGS').
ifeq ($(shell uname -s),Linux)
TAGS := webkit2_41
export GOFLAGS := -tags=$(TAGS)
endif
WAILS_TAGS := $(if $(TAGS),-tags $(TAGS))

.PHONY: fuzz fuzz-short bench bench-smoke perf-ui run dev deps test-deps frontend-deps frontend bind build test test-go test-frontend test-e2e test-dist dist lint clean screenshots

run: deps build ## build and start the app on its default data directory
	./build/bin/shipdeck

deps:
	./scripts/deps.sh

test-deps:
	./scripts/deps.sh --test

frontend/node_modules: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch frontend/node_modules

frontend-deps: frontend/node_modules

frontend: frontend-deps ## build the frontend into frontend/dist (embedded by the Go binary)
	cd frontend && npm run build

bind: ## regenerate frontend/wailsjs from the bound Go services
	$(WAILS) generate module $(WAILS_TAGS)
	chmod 644 frontend/wailsjs/runtime/*

build: frontend-deps ## production binary in build/bin/shipdeck
	$(WAILS) build $(WAILS_TAGS) -ldflags "$(LDFLAGS)"

dev: frontend-deps
	$(WAILS) dev $(WAILS_TAGS)

# golangci-lint, pinned, built once into build/tools (CI has the module
# proxy but no GitHub downloads; .golangci.yml says what it checks).
GOLANGCI_VERSION := v2.15.0
GOLANGCI := build/tools/golangci-lint-$(GOLANGCI_VERSION)
$(GOLANGCI):
	mkdir -p build/tools
	GOBIN=$(abspath build/tools) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	mv build/tools/golangci-lint $@

lint: frontend-deps $(GOLANGCI)
	test -z "$$(gofmt -l app backend internal main.go)" || { gofmt -l app backend internal main.go; exit 1; }
	go vet ./...
	$(GOLANGCI) run ./...
	cd frontend && npx tsc -b --noEmit && npx eslint --max-warnings 0 .

test: test-deps frontend lint test-go test-frontend test-e2e test-dist ## every test

# Every Go test, then the backend's short suite again under the race
# detector (ten times slower: the long ones — the real binary under Xvfb,
# the 2,500-operation invariants — run once, without it).
# The team database's tests must run, not skip: scripts/deps.sh --test
# installed PostgreSQL (internal/pgtest).
# TEAM_PACKAGES run their suites a second time with every test store on a
# team database (testdb.Engine): every package whose services read and write
# the record. The others hold what only a file has (backups, the file's crash
# safety, its disk faults), test both engines explicitly (store, workspace)
# or hold no database.
TEAM_PACKAGES = ./backend/cluster/ ./backend/customer/ ./backend/release/ ./backend/report/ ./backend/cli/ \
	./backend/settings/ ./backend/sample/ ./backend/runbook/ ./backend/vars/ ./backend/dashboard/

test-go:
	SHIPDECK_REQUIRE_POSTGRES=1 go test -count=1 $$(go list ./... | grep -v /node_modules/)
	SHIPDECK_REQUIRE_POSTGRES=1 SHIPDECK_TEST_ENGINE=postgres go test -count=1 $(TEAM_PACKAGES)
	SHIPDECK_REQUIRE_POSTGRES=1 go test -race -short -count=1 ./backend/...
	$(MAKE) bench-smoke fuzz-short

test-frontend: frontend-deps
	cd frontend && npm test

# End to end: the real dev build under Xvfb, driven in Chromium (screenshots
# land in frontend/e2e/artifacts).
test-e2e: frontend-deps
	cd frontend && npm run e2e

clean:
	rm -rf build/bin dist frontend/dist/assets frontend/dist/index.html

# Copy the screenshots of the last e2e run into docs/ (when they changed on purpose).
screenshots:
	cp frontend/e2e/artifacts/{dashboard,matrix,step-panel,template-steps,wizard,customer-steps,clusters,long-step-panel,activity-log,matrix-1024x640-bulk,startup-restore,focus-mode,matrix-hold}.png docs/screenshots/

# Release artefacts in dist/: Linux binary and .deb, Windows .exe and NSIS
# installer (cross-built), SHA256SUMS.
dist: frontend-deps
	./packaging/dist.sh

# Checks the artefacts: PE32+ GUI with version resource, the .deb installs
# (dpkg, as root) and its binary starts under Xvfb.
test-dist: dist
	$(if $(filter 0,$(shell id -u)),,sudo) ./packaging/dist_test.sh

# Go benchmarks at fleet size (results: docs/performance.md); bench-smoke is
# the tiny run CI does.
bench:
	go test -run '^$$' -bench . -benchtime 5x -count 3 -timeout 60m ./backend/release/

bench-smoke:
	SHIPDECK_BENCH_SCALE=0.01 go test -run '^$$' -bench . -benchtime 1x ./backend/release/

# UI timing on a fleet: make perf-ui FLEET=/tmp/fleet (made by backend/cmd/fleet).
perf-ui: frontend-deps
	npm --prefix frontend run build >/dev/null
	go build -tags dev,webkit2_41 -o build/shipdeck-dev .
	cd frontend && xvfb-run -a -s "-screen 0 1600x1000x24" node e2e/perf.mjs

# Fuzz targets: fuzz-short (CI) runs each for a fixed number of inputs, 1–10 s
# each here; a count rather than a duration because Go 1.26's coordinator can
# fail a time-limited run at its deadline (golang/go#75804). fuzz runs each for
# 2 minutes. name:package:executions
FUZZ_TARGETS := FuzzHighlight:./backend/highlight:100000x FuzzName:./backend/validate:200000x \
	FuzzNamespace:./backend/validate:300000x FuzzTextFields:./backend/validate:100000x \
	FuzzKubeconfigPath:./backend/validate:50000x FuzzPositions:./backend/release:600x \
	FuzzRender:./backend/vars:100000x FuzzParse:./backend/fleetcsv:20000x
fuzz-short:
	@for t in $(FUZZ_TARGETS); do IFS=: read -r name pkg n <<< "$$t"; \
		go test -run '^$$' -fuzz "^$$name$$" -fuzztime "$$n" $$pkg || exit 1; done

fuzz:
	@for t in $(FUZZ_TARGETS); do IFS=: read -r name pkg n <<< "$$t"; \
		go test -run '^$$' -fuzz "^$$name$$" -fuzztime 2m $$pkg || exit 1; done
