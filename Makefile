# scimconform — build, test and demo targets.
GO       ?= go
BIN      ?= bin/scimconform
IMAGE    ?= scimconform-reference:dev
PKGS     := ./...
# nomsgpack drops gin's msgpack binding (github.com/ugorji/go/codec), which
# nothing here uses: the binary shrinks from 49 MB to 40 MB. Plain `go build`
# and `go run . demo` still work without it, only bigger.
TAGS     ?= nomsgpack
GOTAGS   := -tags '$(TAGS)'

.PHONY: all build test test-full vet fuzz bench bench-http demo image clean

all: build

build:
	$(GO) build $(GOTAGS) -o $(BIN) .

vet:
	$(GO) vet $(GOTAGS) $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# test: vet + the race-enabled test suite (fuzz seed corpora run as tests;
# Docker and browser tests skip locally without an engine or Chromium, and
# fail instead when CI=true).
# The GitHub Action is tested in the root package (cli_action_test.go):
# actionlint (as a library, no network) lints the README's example
# workflow and the action's steps, and the action's shell steps run locally.
# The self-test's fault matrix (one suite run per injected fault), the
# default runs against strict-only faults and the 2000-user load demo run
# in a second, race-free pass: under -race they alone would take minutes. The matrix runs a fault that behaves alike in
# both Okta profiles in one of them; `make test-full` (and CI,
# SCIMCONFORM_MATRIX=full) runs every fault in every profile it applies to.
test: vet
	$(GO) test $(GOTAGS) -race -timeout 15m $(PKGS)
	$(GO) test $(GOTAGS) -count=1 -timeout 10m -run 'TestEveryFaultBreaksExactlyItsScenarios|TestEveryRequiredScenarioHasAFault|TestStrictOnlyFaultsKeepDefaultRunsGreen' ./steps/
	$(GO) test $(GOTAGS) -count=1 -timeout 5m -run 'TestLoadDemo2000' .

test-full:
	SCIMCONFORM_MATRIX=full $(MAKE) test

# fuzz: a short coverage-guided run of each fuzz target.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseFilter -fuzztime 20s ./reference/internal/filter
	$(GO) test -run '^$$' -fuzz FuzzApply -fuzztime 20s ./reference/internal/patch
	$(GO) test -run '^$$' -fuzz FuzzHandler -fuzztime 20s ./reference

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./reference/... ./steps/...

# bench-http: the reference server over loopback HTTP against a bare gin
# handler answering a fixed JSON body, side by side in the same run, with
# wrk (16 connections): userName lookups at 1k and 100k users, durable
# POST /Users (and the durable floor: a handler that only appends the body
# and shares an fsync), RSS at 100k users, and 100k users created by a
# loader with 16 clients; prints the ratios. Installs wrk from Debian
# packages if missing.
BENCH_HTTP_FLAGS ?=
bench-http:
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(GO) run $(GOTAGS) ./reference/internal/benchhttp $(BENCH_HTTP_FLAGS)

# image: our reference server as a FROM scratch image (static binary built on
# the host: there may be no registry to pull a Go image from).
image:
	CGO_ENABLED=0 GOOS=linux $(GO) build $(GOTAGS) -trimpath -ldflags "-s -w" -o bin/scimconform-linux .
	docker build -t $(IMAGE) .

# demo: the full suite against the built-in reference server; report in ./scimconform-report.
demo:
	$(GO) run $(GOTAGS) . demo --out scimconform-report

clean:
	rm -rf bin scimconform-report
