# concbench: run `make help` for the targets.
GO      ?= go
BIN     := bin/runbench
COUNT   ?= 6
FILES   ?= $(wildcard results/reference/*/results.txt)

.PHONY: help build test run bench report compare fuzz truth reference clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build bin/runbench
	$(GO) build -o $(BIN) ./cmd/runbench

test: ## vet, every test under -race (conformance suites with goleak), one pass of every benchmark
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...
	$(GO) vet -tags truth ./internal/truth/
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./bench/...

run: build ## the embedded quick suite, each trial in its own process; prints the HTML report's path last (OUT=dir for another folder)
	$(BIN) run $(if $(OUT),-out '$(OUT)')

bench: build ## go test benchmarks into results/local (COUNT=6; CPU=1,2 for -cpu; BENCH=regexp)
	$(BIN) bench -count $(COUNT) $(if $(CPU),-cpu $(CPU)) $(if $(BENCH),-bench '$(BENCH)')

report: build ## report from result files: make report FILES='a.txt b.txt'
	$(BIN) report -o results/local/report $(FILES)

compare: build ## benchstat-style comparison: make compare OLD=a.txt NEW=b.txt
	$(BIN) compare $(OLD) $(NEW)

FUZZTIME ?= 1m

fuzz: ## fuzz the scenario parser, the result-file readers and the sidecar reader (FUZZTIME=1m each)
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./scenarios/
	$(GO) test -run '^$$' -fuzz '^FuzzReadResults$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./report/
	$(GO) test -run '^$$' -fuzz '^FuzzReadComparison$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./compare/
	$(GO) test -run '^$$' -fuzz '^FuzzSidecarRead$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./record/

truth: ## the harness against queueing theory and vegeta (about 5 minutes; not in make test): writes results/reference/truth/truth.md
	$(GO) test -tags truth -count=1 -timeout 20m -v -run '^TestTruth$$' ./internal/truth/ -truth.out $(CURDIR)/results/reference/truth/truth.md

REFNEW := results/local/reference-new

reference: build ## regenerate results/reference/quick: the quick suite, its report with every chart inline (no PNG committed)
	rm -rf $(REFNEW)
	$(BIN) run -no-report -out $(REFNEW)
	$(BIN) report -inline -o $(REFNEW) $(REFNEW)/results.txt
	rm -rf results/reference/quick
	mkdir -p results/reference/quick
	cp $(REFNEW)/results.txt $(REFNEW)/results.jsonl $(REFNEW)/report.html results/reference/quick/

clean: ## remove the binary and local results
	rm -rf bin results/local
