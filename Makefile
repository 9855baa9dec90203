# Every target runs on Node 24 LTS: when the system Node is older than 22, a Node 24 binary is
# bootstrapped from the npm registry into .tools/ and put first on PATH.
SHELL := /bin/bash
.DEFAULT_GOAL := help

SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ $(SYSTEM_NODE_MAJOR) -ge 22 ] && echo ok),ok)
NODE_STAMP :=
else
NODE_STAMP := .tools/node/bin/node
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)
endif

NODE_TEST := node --test --test-concurrency=1 --test-timeout=120000
UNIT_TESTS := 'app/src/**/*.test.ts'
INTEGRATION_TESTS := 'app/test/**/*.test.ts'
E2E_TESTS := 'e2e/**/*.test.ts'

.PHONY: help setup system-deps build typecheck test test-unit test-integration test-e2e test-deploy test-chaos soak demo run bench dashboard-screenshot check-config docs chart-docs image screenshots clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

.tools/node/bin/node:
	scripts/bootstrap-node.sh

node_modules/.package-lock.json: package.json package-lock.json $(NODE_STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(NODE_STAMP) node_modules/.package-lock.json ## install Node 24 and the npm packages

system-deps: ## install Debian packages (nginx, set-misc, redis, chromium, caddy, wrk)
	scripts/install-system-deps.sh

build: setup typecheck ## check the TypeScript (Node 24 runs it directly)

typecheck: setup ## check the TypeScript only
	node node_modules/typescript/bin/tsc -p tsconfig.json

test: setup system-deps typecheck ## run every check
	$(NODE_TEST) $(UNIT_TESTS) $(INTEGRATION_TESTS) $(E2E_TESTS)

test-unit: setup ## unit tests only
	$(NODE_TEST) $(UNIT_TESTS)

test-integration: setup ## in-process tests against a real OpenID Provider
	$(NODE_TEST) $(INTEGRATION_TESTS)

test-e2e: setup system-deps ## tests through real nginx and Chromium
	$(NODE_TEST) $(E2E_TESTS)

test-chaos: setup system-deps ## faults under load and a rolling restart (two replicas, nginx, Redis); writes docs/chaos-report.md
	CHAOS_REPORT=docs/chaos-report.md $(NODE_TEST) 'e2e/chaos/**/*.test.ts'

soak: setup system-deps ## 10 minutes (SOAK_SECONDS) at 80 % of the maximum rate; writes docs/soak.md and docs/soak.svg
	node e2e/soak/run-soak.ts

demo: setup system-deps typecheck ## start nginx (PROXY=caddy: Caddy) + test IdP + demo app + gatehouse and print the URL
	DEMO_PROXY='$(PROXY)' node e2e/stack/demo.ts

run: setup ## start gatehouse alone, configured by the environment
	node app/src/main.ts

check-config: setup ## validate the environment's configuration and exit
	node app/src/main.ts --check-config

bench: setup system-deps ## load-test /oauth2/auth against a bare Node server
	node bench/run-bench.ts

docs: setup ## regenerate docs/configuration.md from the schema
	node scripts/render-docs.ts

chart-docs: setup ## regenerate the parameters table of chart/README.md from chart/values.yaml
	node scripts/render-chart-docs.ts

test-deploy: setup system-deps ## chart (real helm), k8s-examples and container image checks
	$(NODE_TEST) 'e2e/deploy/**/*.test.ts'

image: setup system-deps ## build the container image with buildah as localhost/gatehouse:dev
	scripts/build-image.sh localhost/gatehouse:dev

dashboard-screenshot: setup system-deps ## draw docs/dashboard.png: the chart's Grafana dashboard from Debian's prometheus scraping gatehouse under load (apt-get install prometheus)
	node scripts/dashboard-screenshot.ts

screenshots: setup system-deps ## photograph gatehouse's pages into docs/pages/ with Chromium through the local stack
	node scripts/screenshot-pages.ts

clean: ## remove installed tools, packages and run state
	rm -rf .tools node_modules .run
