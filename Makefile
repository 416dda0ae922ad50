# Tocsin — build, test, run, install.
#   make test     install what is missing, build (warnings are errors), run every test
#   make run      build and start tocsind in the foreground on ./.run (see README)
#   make install  install binaries, units, rules, man pages and completion (PREFIX, DESTDIR)
#   make man      man pages and bash completion into .build/man
#   make bench    release build against a load generator and Alertmanager (docs/performance.md)

SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
BUILD_DEPS := pkg-config libsystemd-dev libsqlite3-dev

.PHONY: all build release test run install torture fuzz bench deps test-deps clean man deb deb-test

all: build

deps:
	@scripts/ensure-packages.sh $(BUILD_DEPS)

test-deps: deps
	@scripts/test-setup.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 scripts/torture.py --cycles 15 --max-run 0.6
	$(MAKE) man MAN_CONFIGURATION=debug
	scripts/check-docs.sh
	scripts/deb-test.sh

# Man pages tocsind(8) and tocsinctl(8), generated from the argument parsers' help by
# swift-argument-parser's manual plugin, and bash completion for tocsinctl, into .build/man.
MAN_CONFIGURATION ?= release
man:
	$(SWIFT) package plugin generate-manual --configuration $(MAN_CONFIGURATION) --section 8 >/dev/null
	@mkdir -p .build/man
	@# A blank line in the plugin's mdoc is a paragraph break: .Pp, as groff wants it.
	for page in tocsind tocsinctl; do sed 's/^$$/.Pp/' .build/plugins/GenerateManual/outputs/$$page/$$page.8 > .build/man/$$page.8; done
	.build/$(MAN_CONFIGURATION)/tocsinctl --generate-completion-script bash | sed '1{/^#!/d}' > .build/man/tocsinctl.bash

# A Debian package, .build/deb/tocsin_VERSION-1_ARCH.deb (scripts/build-deb.sh), and its
# test: lintian, install into a throwaway root, a conffile edit kept across an upgrade,
# remove and purge (scripts/deb-test.sh; part of make test).
deb: deps
	scripts/build-deb.sh

deb-test: deps
	scripts/deb-test.sh

# libFuzzer on the event parser, the rule compiler and the mail renderer (FUZZ_SECONDS each).
fuzz:
	Fuzz/run.sh

# The benchmark: the release tocsind against bench/loadgen (C, built with the Swift
# toolchain's clang), and Alertmanager from Debian in the same run. Not part of make test.
BENCH_CC := $(firstword $(wildcard $(dir $(realpath $(shell command -v $(SWIFT))))clang) cc)
bench: release test-deps
	@mkdir -p .build
	$(BENCH_CC) -O2 -Wall -Wextra -o .build/loadgen bench/loadgen.c -lpthread
	python3 scripts/bench.py

# Crash torture: 200 SIGKILL/restart cycles under load from the socket and the spool.
torture: build test-deps
	python3 scripts/torture.py --cycles 200 --max-run 0.6

# The daemon in the foreground on an embedded default: state, spool, socket and a Maildir
# of the mails it "sends" under ./.run, with the shipped rules.
RUN := $(CURDIR)/.run
run: build
	@mkdir -p $(RUN)
	@.build/debug/tocsinctl check rules
	@echo
	@echo "tocsind runs in the foreground (Ctrl-C stops it). In a second terminal:"
	@echo
	@echo "  cd $(CURDIR)"
	@echo "  export TOCSIN_SOCKET=$(RUN)/events.sock TOCSIN_STATE=$(RUN)/state TOCSIN_SPOOL=$(RUN)/spool TOCSIN_RULES=$(CURDIR)/rules"
	@echo "  .build/debug/tocsinctl submit kind=fault severity=3 id=teller-7 summary=\"柜员终端无法打印\""
	@echo "  .build/debug/tocsinctl submit kind=complaint urgency=urgent id=c-1 summary=\"客户投诉\"   # told at once"
	@echo "  .build/debug/tocsinctl list; .build/debug/tocsinctl show teller-7"
	@echo "  ls $(RUN)/maildir/new        # the mails (level 3 faults escalate after 15 min)"
	@echo
	.build/debug/tocsind --rules rules --spool $(RUN)/spool --socket $(RUN)/events.sock \
		--state $(RUN)/state --mail-drop $(RUN)/maildir

# Install binaries, units, tmpfiles/sysusers entries, the journal catalog and the rules.
# Rules an ops person already has are never overwritten: a changed shipped file is put
# beside it as NAME.rules.dist (which tocsind does not read).
CATALOGDIR ?= /usr/lib/systemd/catalog
install: release man
	install -D -m 0755 .build/release/tocsind $(DESTDIR)$(PREFIX)/bin/tocsind
	install -D -m 0755 .build/release/tocsinctl $(DESTDIR)$(PREFIX)/bin/tocsinctl
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)/usr/lib/tmpfiles.d $(DESTDIR)/usr/lib/sysusers.d $(DESTDIR)$(CATALOGDIR)
	sed 's|/usr/local/bin/tocsind|$(PREFIX)/bin/tocsind|' systemd/tocsind.service > $(DESTDIR)$(UNITDIR)/tocsind.service
	install -m 0644 systemd/tocsind.socket $(DESTDIR)$(UNITDIR)/tocsind.socket
	install -m 0644 systemd/tocsin.tmpfiles $(DESTDIR)/usr/lib/tmpfiles.d/tocsin.conf
	install -m 0644 systemd/tocsin.sysusers $(DESTDIR)/usr/lib/sysusers.d/tocsin.conf
	install -m 0644 systemd/tocsind.catalog $(DESTDIR)$(CATALOGDIR)/tocsind.catalog
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/tocsin/README.md
	install -D -m 0644 .build/man/tocsind.8 $(DESTDIR)$(PREFIX)/share/man/man8/tocsind.8
	install -D -m 0644 .build/man/tocsinctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/tocsinctl.8
	install -D -m 0644 docs/tocsin.rules.5 $(DESTDIR)$(PREFIX)/share/man/man5/tocsin.rules.5
	install -D -m 0644 .build/man/tocsinctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tocsinctl
	install -d $(DESTDIR)$(SYSCONFDIR)/tocsin/rules/drills
	@for f in rules/*.rules rules/drills/*.drill rules/drills/*.rules; do \
		dest=$(DESTDIR)$(SYSCONFDIR)/tocsin/$$f; \
		if [ ! -e "$$dest" ]; then install -m 0644 "$$f" "$$dest"; \
		elif ! cmp -s "$$f" "$$dest"; then install -m 0644 "$$f" "$$dest.dist"; echo "kept your $$dest; the shipped one is $$dest.dist"; fi; \
	done

clean:
	rm -rf .build .run
