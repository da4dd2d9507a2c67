# socklab: the one entry point.  Build, demo, test, install, bench.
# GNU make.  The kit's own tools build under build/ (build/san/ with SAN=1);
# labs/ keeps its own small Makefiles so students can build in place (the
# reference programs in solutions/ build with the same ones).  Components
# add themselves through their module.mk.  A student kit ('make
# student-kit') has no solutions/: everything a student runs works
# without it.

CC         ?= cc
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man/man1
DATADIR    ?= $(PREFIX)/share/socklab
PKG_CONFIG ?= pkg-config
APT_GET    ?= apt-get
BWRAP      ?= bwrap
CFLAGS     ?= -O2 -g
KITFLAGS   := -std=c11 -Wall -Wextra -Werror
CPPFLAGS   += -MMD -MP -I.

ifeq ($(SAN),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
else
B        := build
SANFLAGS :=
endif

# Recursively expanded on purpose: evaluated when a recipe runs, that is
# after 'deps' has had its chance to install the development files.
PCAP_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS    = $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
KIT_CFLAGS   = $(KITFLAGS) $(CFLAGS) $(SANFLAGS) $(PCAP_CFLAGS) $(CHECK_CFLAGS)
KIT_LDFLAGS  = $(LDFLAGS) $(SANFLAGS)

# Filled in by the module.mk files.
BINS      :=	# programs installed into BINDIR
MANS      :=	# man pages installed into MANDIR
LIBS      :=	# static libraries the test runner links (order matters)
TEST_SRCS :=	# Check suites: */tests/check_NAME.c defines NAME_suite()
TEST_SUPPORT :=	# test helpers linked into the runner (not suites)
TEST_DEPS :=	# anything the test run needs built first
SAN_BINS  :=	# programs 'make test' also builds with SAN=1
DATA      :=	# files installed under DATADIR (paths relative to the top)

# Every lab's handout (the labs: grader/labs/labs.mk); the references,
# built with the labs' own Makefiles, come from solutions/module.mk.
LABS = $(foreach l,$(LAB_NAMES),labs/$l)
REF_LABS :=	# solutions/<lab>: built with labs/<lab>/Makefile (solutions/module.mk)

# The fragments below define targets of their own: plain 'make' is 'all'.
.DEFAULT_GOAL := all

include capture/module.mk
include grader/module.mk
include po/module.mk
# The instructor's repository only: the reference programs and the kit's
# test runner.  A student kit has no solutions/ and builds without it.
HAVE_SOLUTIONS := $(wildcard solutions/module.mk)
ifneq ($(HAVE_SOLUTIONS),)
include solutions/module.mk
endif

.PHONY: all build-all labs demo test check test-build test-loaded deps install \
        uninstall clean bench fuzz grade gradescope san-bins student-kit \
        format-check

all: deps
	@$(MAKE) --no-print-directory build-all

build-all: $(BINS) labs

# REF_LABS are solutions/LAB, two levels down: their lab's Makefile is
# named relative to them, never through $(CURDIR), so a checkout in a
# folder whose name has spaces builds (make splits MAKEFILE_LIST on them:
# the lab Makefile would look for ../common in the wrong place).
labs:
	@for d in $(LABS); do $(MAKE) --no-print-directory -C $$d || exit 1; done
	@for d in $(REF_LABS); do $(MAKE) --no-print-directory -C $$d \
		-f ../../labs/$$(basename $$d)/Makefile || exit 1; done

# Every object of the kit: one rule, automatic header dependencies.
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(KIT_CFLAGS) -c $< -o $@

# The kit's test runner: one Check run covering every suite.  The suite
# list is generated from the file names, never kept by hand.
TEST_OBJS := $(TEST_SRCS:%.c=$(B)/%.o)

$(B)/tests/suites.inc: Makefile $(TEST_SRCS)
	@mkdir -p $(dir $@)
	@for f in $(sort $(TEST_SRCS)); do \
		n=$$(basename $$f .c); echo "SUITE($${n#check_})"; \
	done > $@.tmp && mv $@.tmp $@

$(B)/grader/testkit/runner.o: $(B)/tests/suites.inc
$(B)/grader/testkit/runner.o: CPPFLAGS += -I$(B)/tests

$(B)/check_kit: $(B)/grader/testkit/runner.o $(TEST_OBJS) $(TEST_SUPPORT) $(LIBS)
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS) $(CHECK_LIBS) -lpthread

san-bins:
	@$(MAKE) --no-print-directory SAN=1 $(SAN_BINS)

# The kit at work in a few seconds, with nothing to type and no root:
# every exchange runs in a private network namespace of labsniff --exec.
# In a student kit (no solutions/) labpeer plays both programs (its
# udp-client as the contract's pinger: every ping, each its own deadline).
# The scene headings speak the user's language like the tools: gettext(1)
# with the tools' catalogue in the build tree ('make pot' reads these
# recipes, and the lab's demo.mk, as shell: every heading is one whole
# gettext "..." message, a file name a printf %s).
DEMO_SNIFF := ./$(B)/labsniff
ifneq ($(HAVE_SOLUTIONS),)
DEMO_UDP_SERVER := solutions/lab1-udp/udp_server 12000
DEMO_UDP_CLIENT := solutions/lab1-udp/udp_client 127.0.0.1 12000 3
DEMO_TCP_SERVER := solutions/lab2-tcp/tcp_server 12000
DEMO_TCP_CLIENT := solutions/lab2-tcp/tcp_client 127.0.0.1 12000 2
else
DEMO_UDP_SERVER := ./$(B)/labpeer udp-server 12000
DEMO_UDP_CLIENT := ./$(B)/labpeer udp-client 127.0.0.1 12000 --pinger --count 3
DEMO_TCP_SERVER := ./$(B)/labpeer tcp-server 12000
DEMO_TCP_CLIENT := ./$(B)/labpeer tcp-client 127.0.0.1 12000
endif
demo: deps
	@$(MAKE) --no-print-directory build-all $(if $(HAVE_SOLUTIONS),$(B)/subs.stamp)
ifneq ($(HAVE_SOLUTIONS),)
	@echo; gettext "== 1. Lab 1 (UDP): the reference client pings the reference server, seen by labsniff"; echo
else
	@echo; gettext "== 1. Lab 1 (UDP): labpeer's client pings labpeer's server, seen by labsniff"; echo
endif
	$(DEMO_SNIFF) --exec '$(DEMO_UDP_SERVER)' --exec '$(DEMO_UDP_CLIENT)'
	@echo; gettext "== 2. A lossy server: labpeer drops ping 2; the client waits 1 s, says timeout, goes on"; echo
	$(DEMO_SNIFF) --exec './$(B)/labpeer udp-server 12000 --drop 2' \
	    --exec '$(DEMO_UDP_CLIENT)'
	@echo; gettext "== 3. No server at all: ICMP port unreachable answers the datagram"; echo
	$(DEMO_SNIFF) --exec '$(DEMO_UDP_CLIENT)' || true
	@echo; gettext "== 4. Lab 2 (TCP): handshake, lines each way, teardown, as a ladder (also an SVG)"; echo
	$(DEMO_SNIFF) --ladder --svg $(B)/demo-tcp.svg \
	    --exec '$(DEMO_TCP_SERVER)' --exec '$(DEMO_TCP_CLIENT)'
	@printf "$$(gettext "(the same diagram as a picture: %s)")\n" $(B)/demo-tcp.svg
ifneq ($(HAVE_SOLUTIONS),)
	@echo; gettext "== 5. labgrade grades the reference UDP pinger"; echo
	./$(B)/labgrade --color never lab1-udp solutions/lab1-udp
	@echo; gettext "== 6. ... and catches a client whose output looks right but whose pings carry a NUL byte"; echo
	@rm -rf $(B)/demo-sub && mkdir -p $(B)/demo-sub && \
	    cp solutions/lab1-udp/udp_server.c $(B)/demo-sub/ && \
	    cp $(B)/broken/lab1-udp/client-nul-in-ping/udp_client.c $(B)/demo-sub/
	./$(B)/labgrade --color never --only client_pings lab1-udp $(B)/demo-sub
else
	@echo; gettext "== 5. labgrade grades the skeleton of lab 1 (few points until you write it)"; echo
	./$(B)/labgrade --color never lab1-udp labs/lab1-udp || true
endif
	@for s in $(DEMO_SCENES); do $(MAKE) --no-print-directory $$s || exit 1; done
	@echo; gettext "demo done: see README.md to do the labs yourself"; echo

# A lab's own scenes: grader/labs/NAME/demo.mk adds targets to DEMO_SCENES.
DEMO_SCENES :=
include $(wildcard grader/labs/*/demo.mk)
demo $(DEMO_SCENES): export TEXTDOMAIN = socklab
demo $(DEMO_SCENES): export TEXTDOMAINDIR = $(CURDIR)/$(B)/locale

# test-build: everything 'make test' checks and builds before the run
# (.ci/run runs the runner itself last, so that its output ends with
# Check's summary line, not with make's error line).
ifneq ($(HAVE_SOLUTIONS),)
test check: test-build
	@KIT_BUILD=$(B) ./$(B)/check_kit
test-build: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory build-all $(B)/check_kit $(TEST_DEPS)
	@$(MAKE) --no-print-directory san-bins
else
test check test-build:
	@echo "make test: the kit's own tests need solutions/ (the instructor's repository); this student kit has none: 'make grade LAB=...' grades your work" >&2
	@exit 2
endif

# The student kit: the files git tracks (never working-tree strays), less
# what holds or reveals a reference answer, and the hidden tests
# (grader/labs/LAB/hidden/: see labs.mk).  STUDENT_KIT_EXCLUDE is the one
# list of those paths (shell patterns, matched against 'git ls-files').
KIT_VERSION := $(shell sed -n 's/^\#define LABGRADE_VERSION "\([^"]*\)".*/\1/p' grader/param.h)
STUDENT_KIT := build/socklab-student-$(KIT_VERSION).tar.gz
STUDENT_KIT_EXCLUDE := solutions 'grader/labs/*/broken' 'grader/labs/*/hostile' \
	'grader/labs/*/hidden' \
	grader/cell/tests/hostile grader/cell/tests/attacks
student-kit: $(STUDENT_KIT)
$(STUDENT_KIT): FORCE
	@mkdir -p build
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || \
	    { echo "student-kit: needs the kit's git repository (it packs 'git ls-files')" >&2; exit 1; }
	@git ls-files -z -- . $(foreach x,$(STUDENT_KIT_EXCLUDE),':(exclude,glob)$(x)' ':(exclude,glob)$(x)/**') | \
	    xargs -0 -r sh -c 'for f; do [ -f "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar -c -z --null -T - --owner=0 --group=0 --numeric-owner --sort=name \
	        --transform 's,^,socklab-student-$(KIT_VERSION)/,' -f $@.tmp
	@mv $@.tmp $@
	@echo "student-kit: $@ ($$(tar tzf $@ | wc -l) files)"
.PHONY: FORCE
FORCE:

# make test-loaded [LOADED_RUNS=3] [LOADED_SECONDS=3600 x LOADED_RUNS]
# [LOADED_SUITES="selftest lab1"]: make test (or those suites only), that
# many times in a row, while 2 x nproc CPU hogs run (killed at the end,
# on failure or on Ctrl-C): the verdicts must not need an idle machine.
test-loaded: deps
	@MAKE="$(MAKE)" LOADED_RUNS="$(LOADED_RUNS)" LOADED_SECONDS="$(LOADED_SECONDS)" \
	    LOADED_SUITES="$(LOADED_SUITES)" sh grader/testkit/test-loaded.sh


# format-check: every C file of the kit is as clang-format formats it
# (.clang-format).  Versions format differently: without clang-format 14
# (what the files are formatted with) it says so and skips.
CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(shell find capture grader labs solutions po -name '*.[ch]' | sort)
format-check:
	@v=$$($(CLANG_FORMAT) --version 2>/dev/null); \
	case "$$v" in *" version 14."*) ;; \
	*) echo "format-check: skipped (needs clang-format 14; found: $${v:-none})"; \
	   exit 0 ;; \
	esac; \
	bad=$$(for f in $(FORMAT_FILES); do \
		$(CLANG_FORMAT) --dry-run -Werror $$f >/dev/null 2>&1 || echo $$f; \
	done); \
	if [ -n "$$bad" ]; then \
		echo "format-check: not formatted (run clang-format -i on them):" $$bad >&2; \
		exit 1; \
	fi; \
	echo "format-check: $(words $(FORMAT_FILES)) C files formatted"

# deps: install the development files of libpcap, Check, libseccomp
# (the grader's sandbox) and libcrypto (OpenSSL: class mode's HMAC), with
# pkg-config, bubblewrap and gettext (msgfmt: the tools' translations),
# when they are missing: with apt-get when we are root or have sudo
# without a password, otherwise print the exact command and stop.
deps:
	@missing=""; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="pkg-config"; \
	$(PKG_CONFIG) --exists libpcap 2>/dev/null || missing="$$missing libpcap-dev"; \
	$(PKG_CONFIG) --exists check 2>/dev/null || missing="$$missing check"; \
	$(PKG_CONFIG) --exists libseccomp 2>/dev/null || missing="$$missing libseccomp-dev"; \
	$(PKG_CONFIG) --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	command -v $(MSGFMT) >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v $(BWRAP) >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	missing=$${missing# }; \
	[ -z "$$missing" ] && exit 0; \
	if ! command -v $(firstword $(APT_GET)) >/dev/null 2>&1; then \
		echo "deps: missing $$missing; this system has no apt-get: install the development files of libpcap, Check, libseccomp and OpenSSL's libcrypto, pkg-config, bubblewrap and gettext with your package manager (see README.md)" >&2; \
		exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else \
		echo "deps: missing $$missing; run: sudo apt-get install -y $$missing" >&2; \
		exit 1; \
	fi; \
	echo "deps: installing $$missing"; \
	$$sudo $(APT_GET) update -qq >/dev/null 2>&1; \
	$$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q $$missing || \
	{ echo "deps: apt-get install $$missing failed" >&2; exit 1; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	$(if $(MANS),install -m 644 $(MANS) $(DESTDIR)$(MANDIR))
	@for f in $(DATA); do \
		install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BINS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/,$(notdir $(MANS)))
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build
	@for d in $(LABS); do $(MAKE) --no-print-directory -C $$d clean; done
	@for d in $(REF_LABS); do $(MAKE) --no-print-directory -C $$d \
		-f ../../labs/$$(basename $$d)/Makefile clean; done

# bench, fuzz, grade and gradescope are double-colon rules: each part of
# the kit adds its own recipe in its fragment.
bench:: deps
	@$(MAKE) --no-print-directory build-all

fuzz:: deps

-include $(shell find build -name '*.d' 2>/dev/null)
