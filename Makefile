# mappa: the only set-up on a fresh machine is Go (and gcc for SQLite's cgo).
GO          ?= go
BIN         := bin
MAPPA       := $(BIN)/mappa
STATICCHECK := $(BIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
BENCHSTAT   := $(BIN)/benchstat
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
DEMO_DB     ?= mappa.db

PREFIX      ?= /usr/local

.PHONY: all build install test test-short lint demo docs bench bench-compare fixtures fixture-archive fuzz clean

all: build

# -buildvcs=auto stamps the commit into the binary (mappa version, the
# User-Agent) where git is at hand, whatever GOFLAGS says.
build:
	$(GO) build -buildvcs=auto -o $(MAPPA) ./cmd/mappa

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man page and
# the bash, zsh and fish completions, generated from the binary itself.
# It builds only when there is no binary yet, so that `make build && sudo
# make install` installs what you built instead of building as root.
install:
	test -x $(MAPPA) || $(MAKE) build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 0755 $(MAPPA) "$(DESTDIR)$(PREFIX)/bin/mappa"
	$(MAPPA) man > "$(DESTDIR)$(PREFIX)/share/man/man1/mappa.1"
	$(MAPPA) completion bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mappa"
	$(MAPPA) completion zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mappa"
	$(MAPPA) completion fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mappa.fish"

$(STATICCHECK):
	GOBIN=$(CURDIR)/$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: $(STATICCHECK)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

# The HTTP code is concurrent (retries, timers, a scheduler): its package
# also runs under the race detector, which is quick there.
test: lint
	$(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./sources/...

# The inner loop: every package's tests but the process-level suites (crash,
# concurrency, scheduler resilience, CLI scripts), which -short skips.
test-short:
	$(GO) test -short ./...

$(BENCHSTAT):
	GOBIN=$(CURDIR)/$(BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

# Every benchmark (or those matching BENCH), BENCHCOUNT times, into
# BENCHOUT, summarised by benchstat. docs/performance.md has the method.
BENCH      ?= .
BENCHCOUNT ?= 6
BENCHOUT   ?= bench.txt
bench: $(BENCHSTAT)
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./... | tee $(BENCHOUT)
	$(BENCHSTAT) $(BENCHOUT)

# The same benchmarks at BASE (default: the previous commit) and in the
# working tree, compared by benchstat.
BASE ?= HEAD~1
bench-compare: $(BENCHSTAT)
	rm -rf $(BIN)/bench-base && git worktree add --detach $(BIN)/bench-base $(BASE)
	cd $(BIN)/bench-base && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./... > $(CURDIR)/bench-base.txt; \
	  status=$$?; cd $(CURDIR) && git worktree remove --force $(BIN)/bench-base; exit $$status
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./... > $(BENCHOUT)
	$(BENCHSTAT) bench-base.txt $(BENCHOUT)

# Rebuild the demo database from the bundled archive, offline, and show the
# latest year.
demo: build
	$(MAPPA) rebuild --archive testdata/archive --db $(DEMO_DB)
	$(MAPPA) summary --db $(DEMO_DB)

# Regenerate docs/data-dictionary.md from the schema and schema/columns.tsv;
# make test fails while the committed file is out of date.
docs:
	$(GO) test ./schema -run '^TestDataDictionaryIsCurrent$$' -count=1 -update

# Regenerate the fixtures: the published-style files (needs LibreOffice for
# XLS and ODS conversions) and the archive built from them with `mappa add`.
fixtures: build
	$(GO) run ./cmd/mkfixtures -out testdata/published
	$(MAKE) fixture-archive

# Rebuild testdata/archive from testdata/published, in MANIFEST.tsv order.
# The synthetic population files state no release date, so each is added
# as the edition MANIFEST.tsv gives it (30 June of the next year).
fixture-archive: build
	rm -rf testdata/archive /tmp/mappa-fixtures.db*
	awk -F'\t' 'NR > 1 && $$1 != "" { print $$1 "|" $$2 "|" $$3 "|" $$4 }' testdata/published/MANIFEST.tsv | \
	while IFS='|' read -r kind period file edition; do \
	  if [ "$$kind" = lookup ]; then set -- lookup "testdata/published/$$file"; \
	  elif [ -n "$$edition" ]; then set -- --edition "$$edition" "$$kind" "$$period" "testdata/published/$$file"; \
	  else set -- "$$kind" "$$period" "testdata/published/$$file"; fi; \
	  $(MAPPA) add --archive testdata/archive --db /tmp/mappa-fixtures.db "$$@" || exit 1; \
	done

FUZZTIME ?= 30s
# Every fuzz target for FUZZTIME, one at a time. Minimisation is capped by
# count because the fuzzer minimises every new interesting input, and with
# workbook-sized inputs the default (a minute each) would use up the run. A
# crasher is written to <package>/testdata/fuzz/<target>/ and from then on
# runs as a regular test case under `go test`.
fuzz:
	$(GO) test ./sources/sheet -run '^$$' -fuzz '^FuzzODSReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/sheet -run '^$$' -fuzz '^FuzzXLSXReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/sheet -run '^$$' -fuzz '^FuzzXLSReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/sheet -run '^$$' -fuzz '^FuzzWorkbook$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/govuk -run '^$$' -fuzz '^FuzzFinancialYearIn$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/govuk -run '^$$' -fuzz '^FuzzPickAreaTables$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./sources/govuk -run '^$$' -fuzz '^FuzzPageJSON$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/extract -run '^$$' -fuzz '^FuzzClassifyHeader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./schema -run '^$$' -fuzz '^FuzzAreaLabel$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/extract -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/ons -run '^$$' -fuzz '^FuzzReadLookup$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/ons -run '^$$' -fuzz '^FuzzReadPopulation$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/ons -run '^$$' -fuzz '^FuzzReadBackSeries$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/figure -run '^$$' -fuzz '^FuzzParseFinancialYear$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x
	$(GO) test ./pipeline/extract -run '^$$' -fuzz '^FuzzStatedYear$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 200x

clean:
	rm -rf $(BIN) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).lock
