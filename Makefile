# socklab: the one entry point.  Build, demo, test, install, bench.
# GNU make.  The kit's own tools build under build/ (build/san/ with SAN=1);
# labs/ and solutions/ keep their own small Makefiles so students can
# build in place.  Components add themselves through their module.mk.

CC         ?= cc
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man/man1
DATADIR    ?= $(PREFIX)/share/socklab
PKG_CONFIG ?= pkg-config
APT_GET    ?= apt-get
CFLAGS     ?= -O2 -g
KITFLAGS   := -std=c11 -Wall -Wextra -Werror
CPPFLAGS   += -MMD -MP -Icapture -Igrader

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

LABS := labs/lab1-udp labs/lab2-tcp solutions/lab1-udp solutions/lab2-tcp

# The fragments below define targets of their own: plain 'make' is 'all'.
.DEFAULT_GOAL := all

include capture/module.mk
include grader/module.mk
include solutions/module.mk

.PHONY: all build-all labs demo test check deps install uninstall clean \
        bench fuzz grade gradescope san-bins

all: deps
	@$(MAKE) --no-print-directory build-all

build-all: $(BINS) labs

labs:
	@for d in $(LABS); do $(MAKE) --no-print-directory -C $$d || exit 1; done

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

$(B)/solutions/tests/runner.o: $(B)/tests/suites.inc
$(B)/solutions/tests/runner.o: CPPFLAGS += -I$(B)/tests

$(B)/check_kit: $(B)/solutions/tests/runner.o $(TEST_OBJS) $(TEST_SUPPORT) $(LIBS)
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS) $(CHECK_LIBS) -lpthread

san-bins:
	@$(MAKE) --no-print-directory SAN=1 $(SAN_BINS)

# The kit at work in a few seconds, with nothing to type and no root:
# every exchange runs in a private network namespace of labsniff --exec.
DEMO_SNIFF := ./$(B)/labsniff
demo: deps
	@$(MAKE) --no-print-directory build-all
	@echo; echo "== 1. Lab 1 (UDP): the reference client pings the reference server, seen by labsniff"
	$(DEMO_SNIFF) --exec 'solutions/lab1-udp/udp_server 12000' \
	    --exec 'solutions/lab1-udp/udp_client 127.0.0.1 12000 3'
	@echo; echo "== 2. A lossy server: labpeer drops ping 2; the client waits 1 s, says timeout, goes on"
	$(DEMO_SNIFF) --exec './$(B)/labpeer udp-server 12000 --drop 2' \
	    --exec 'solutions/lab1-udp/udp_client 127.0.0.1 12000 3'
	@echo; echo "== 3. No server at all: ICMP port unreachable answers the datagram"
	$(DEMO_SNIFF) --exec 'solutions/lab1-udp/udp_client 127.0.0.1 12000 1' || true
	@echo; echo "== 4. Lab 2 (TCP): handshake, two lines each way, teardown, as a ladder (also an SVG)"
	$(DEMO_SNIFF) --ladder --svg $(B)/demo-tcp.svg \
	    --exec 'solutions/lab2-tcp/tcp_server 12000' \
	    --exec 'solutions/lab2-tcp/tcp_client 127.0.0.1 12000 2'
	@echo "(the same diagram as a picture: $(B)/demo-tcp.svg)"
	@echo; echo "== 5. labgrade grades the reference UDP pinger"
	./$(B)/labgrade --color never lab1-udp solutions/lab1-udp
	@echo; echo "== 6. ... and catches a client whose output looks right but whose pings carry a NUL byte"
	@rm -rf $(B)/demo-sub && mkdir -p $(B)/demo-sub && \
	    cp solutions/lab1-udp/udp_server.c $(B)/demo-sub/ && \
	    cp grader/tests/broken/l1-client-nul-in-ping/udp_client.c $(B)/demo-sub/
	./$(B)/labgrade --color never --only client_pings lab1-udp $(B)/demo-sub
	@echo; echo "demo done: see README.md to do the labs yourself ('make test' runs the kit's own tests)"

test check: deps
	@$(MAKE) --no-print-directory build-all $(B)/check_kit $(TEST_DEPS)
	@$(MAKE) --no-print-directory san-bins
	@KIT_BUILD=$(B) ./$(B)/check_kit

# deps: install libpcap's, Check's and libcrypto's (OpenSSL: class mode's
# HMAC) development files (and pkg-config)
# when they are missing: with apt-get when we are root or have sudo
# without a password, otherwise print the exact command and stop.
deps:
	@missing=""; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="pkg-config"; \
	$(PKG_CONFIG) --exists libpcap 2>/dev/null || missing="$$missing libpcap-dev"; \
	$(PKG_CONFIG) --exists check 2>/dev/null || missing="$$missing check"; \
	$(PKG_CONFIG) --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	missing=$${missing# }; \
	[ -z "$$missing" ] && exit 0; \
	if ! command -v $(firstword $(APT_GET)) >/dev/null 2>&1; then \
		echo "deps: missing $$missing; this system has no apt-get: install the development files of libpcap, Check and OpenSSL's libcrypto, and pkg-config, with your package manager (see README.md)" >&2; \
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

# bench, fuzz, grade and gradescope are double-colon rules: each part of
# the kit adds its own recipe in its fragment.
bench:: deps
	@$(MAKE) --no-print-directory build-all

fuzz:: deps

-include $(shell find build -name '*.d' 2>/dev/null)
