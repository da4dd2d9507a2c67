# capture/lib.mk: the capture library (libcapture.a), its scenario pcap
# generator (build/mkpcap), the sanitizer replay program
# (build/san/capreplay) and the fuzz target (make fuzz).

CAPTURE_SRCS := capture/decode.c capture/decode-ip.c capture/decode-ip6.c \
	capture/decode-tcp.c capture/decode-udp.c capture/decode-icmp.c \
	capture/names.c capture/flow.c capture/flow-tcp.c capture/flow-udp.c \
	capture/file.c capture/decode-arp.c capture/decode-dns.c capture/xchg.c \
	capture/decode-dhcp.c capture/decode-nd.c capture/decode-http.c \
	capture/reasm.c capture/userns.c capture/i18n.c

$(B)/libcapture.a: $(CAPTURE_SRCS:%.c=$(B)/%.o)
	$(AR) rcs $@ $^

LIBS += $(B)/libcapture.a

# The scenario pcaps (capture/tests/mkpcap.c lists them): made by every
# test run, before the suites read them.
$(B)/mkpcap: $(B)/capture/tests/mkpcap.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS)

# capture/tests/pcap/ holds real captures (proto-real.pcap: DNS over UDP
# and TCP and an HTTP GET, made as proto-real.py says; lo-real.pcap: the reference
# pairs on a namespace's lo, taken with tcpdump): copied next to them.
CAPTURE_PCAPS := $(wildcard capture/tests/pcap/*.pcap)

$(B)/tests/pcap/.stamp: $(B)/mkpcap $(CAPTURE_PCAPS)
	@mkdir -p $(dir $@)
	./$(B)/mkpcap $(dir $@)
	cp $(CAPTURE_PCAPS) $(dir $@)
	@touch $@

TEST_DEPS += $(B)/tests/pcap/.stamp

# capreplay: the library under the sanitizers (make test runs
# build/san/capreplay on the scenario pcaps, every truncation of them,
# and the fuzz corpus).
CAPREPLAY_OBJS := $(B)/capture/fuzz/capreplay.o $(B)/capture/fuzz/fuzz_input.o

$(B)/capreplay: $(CAPREPLAY_OBJS) $(B)/libcapture.a
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS)

$(B)/capture/fuzz/%.o: CPPFLAGS += -Icapture/fuzz

SAN_BINS += build/san/capreplay

# make fuzz: libFuzzer over the decoder and the tracker for FUZZ_SECONDS,
# new inputs found in build/fuzz/new, then merged into the kept corpus
# (only those that add coverage).  Needs clang.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Icapture -Icapture/fuzz
FUZZ_SRCS := $(filter-out capture/file.c,$(CAPTURE_SRCS)) \
	capture/fuzz/fuzz_input.c capture/fuzz/fuzz_decode.c

build/fuzz/fuzz_decode: $(FUZZ_SRCS) $(wildcard capture/*.h capture/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS)

fuzz:: build/fuzz/fuzz_decode
	@mkdir -p build/fuzz/new capture/fuzz/corpus
	./build/fuzz/fuzz_decode -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -print_final_stats=1 build/fuzz/new \
		capture/fuzz/corpus
	./build/fuzz/fuzz_decode -merge=1 capture/fuzz/corpus build/fuzz/new
	@echo "fuzz: corpus has $$(ls capture/fuzz/corpus | wc -l) inputs"
