# Tocsin — build, test, run, install.
#   make test     install what is missing, build (warnings are errors), run every test
#   make run      build and start tocsind in the foreground on ./.run (see README)
#   make install  install binaries, units and rules (PREFIX, DESTDIR)

SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
BUILD_DEPS := pkg-config libsystemd-dev libsqlite3-dev
TEST_DEPS  := python3

.PHONY: all build release test run install deps test-deps clean

all: build

deps:
	@scripts/ensure-packages.sh $(BUILD_DEPS)

test-deps: deps
	@scripts/ensure-packages.sh $(TEST_DEPS)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: build
	.build/debug/tocsinctl check rules
	.build/debug/tocsinctl drill --rules rules rules/drills/core-outage.drill

clean:
	rm -rf .build .run
