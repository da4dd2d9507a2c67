# capture/labsniff.mk: labsniff, the program (capture/labsniff.c and the
# printers beside it), its man page, its tests' data and the bench.

LABSNIFF_SRCS := capture/labsniff.c capture/print.c capture/notes.c \
                 capture/outbuf.c capture/hexdump.c capture/ladder.c \
                 capture/svg.c capture/json.c capture/live.c \
                 capture/exec.c capture/summary.c \
                 capture/print-arp.c capture/print-dns.c capture/exchange.c \
                 capture/json-app.c capture/print-dhcp.c capture/print-nd.c \
                 capture/print-app.c capture/timeline.c \
                 capture/timeline-svg.c capture/route.c
LABSNIFF_OBJS := $(LABSNIFF_SRCS:%.c=$(B)/%.o)

$(B)/labsniff: $(LABSNIFF_OBJS) $(B)/libcapture.a
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS)

BINS     += $(B)/labsniff
MANS     += capture/labsniff.1
SAN_BINS += build/san/labsniff
TEST_SUPPORT += $(B)/capture/outbuf.o

# The bench (make bench): generated pcaps, labsniff against tcpdump,
# tshark and a bare libpcap loop; then a live flood over loopback.
LABSNIFF_BENCH_TOOLS := $(B)/bench/genpcap $(B)/bench/pcapcount \
                        $(B)/bench/udpflood

$(B)/bench/%: capture/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(KIT_CFLAGS) -o $@ $< $(PCAP_LIBS)

.PHONY: bench-labsniff
bench-labsniff: $(B)/labsniff $(LABSNIFF_BENCH_TOOLS)
	python3 capture/bench/bench.py $(B) $(B)/bench

# make bench CORPUS=DIR also compares labsniff with tcpdump over every
# capture under DIR (counts and fields, a table of mismatches; nothing is
# fetched): exit status 1 from the script (mismatches) is a report, not
# a failure of the bench.
.PHONY: bench-corpus
bench-corpus: $(B)/labsniff
	@test -n "$(CORPUS)" || { echo "bench-corpus: give CORPUS=DIR" >&2; exit 2; }
	python3 capture/bench/corpus-compare.py $(B)/labsniff $(CORPUS) || [ $$? -eq 1 ]

bench:: deps
	@$(MAKE) --no-print-directory bench-labsniff
	$(if $(CORPUS),@$(MAKE) --no-print-directory bench-corpus CORPUS='$(CORPUS)')

# make labsniff-goldens: rewrite the expected outputs of TESTLIST (an
# expected .svg is the --svg picture, stdout ignored) with the
# labsniff just built, after a deliberate change of output (or of the
# library's annotations); review them with 'git diff capture/tests/golden'.
.PHONY: labsniff-goldens
labsniff-goldens: $(B)/labsniff $(B)/tests/pcap/.stamp
	@grep -v '^#' capture/tests/TESTLIST | grep -v '^$$' | \
	while read name pcap exp flags; do \
		case $$pcap in \
		'$$PCAP/'*) p=$(B)/tests/pcap/$${pcap#\$$PCAP/} ;; \
		*) p=capture/tests/golden/$$pcap ;; \
		esac; \
		case $$exp in \
		*.svg) out=/dev/null; flags="$$flags --svg capture/tests/golden/$$exp" ;; \
		*) out=capture/tests/golden/$$exp ;; \
		esac; \
		./$(B)/labsniff -r $$p $$flags > $$out || \
			{ echo "labsniff-goldens: $$name failed" >&2; exit 1; }; \
	done
	@echo "labsniff-goldens: rewritten; review: git diff capture/tests/golden"
