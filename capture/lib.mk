# capture/lib.mk: the capture library (libcapture.a), its scenario pcap
# generator (build/mkpcap), the sanitizer replay program
# (build/san/capreplay) and the fuzz target (make fuzz).

CAPTURE_SRCS := capture/decode.c capture/decode-ip.c capture/decode-ip6.c \
	capture/decode-tcp.c capture/decode-udp.c capture/decode-icmp.c \
	capture/names.c capture/flow.c capture/flow-tcp.c capture/flow-udp.c \
	capture/file.c

$(B)/libcapture.a: $(CAPTURE_SRCS:%.c=$(B)/%.o)
	$(AR) rcs $@ $^

LIBS += $(B)/libcapture.a

# The scenario pcaps (capture/tests/mkpcap.c lists them): made by every
# test run, before the suites read them.
$(B)/mkpcap: $(B)/capture/tests/mkpcap.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS)

$(B)/tests/pcap/.stamp: $(B)/mkpcap
	@mkdir -p $(dir $@)
	./$(B)/mkpcap $(dir $@)
	@touch $@

TEST_DEPS += $(B)/tests/pcap/.stamp
