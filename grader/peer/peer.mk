# grader/peer/peer.mk: labpeer, the scripted reference peers (peer.h).
# The option/event code and the splitmix64 generator go into libgrader.a
# (the grader builds labpeer command lines and predicts --loss with
# them); the peers themselves run as the labpeer program, inside the
# cell, so that a failure's repro command is literally the same code.

PEER_LIB_OBJS := $(B)/grader/peer/rng.o $(B)/grader/peer/peer-opts.o
PEER_OBJS := $(PEER_LIB_OBJS) $(B)/grader/peer/peer-udp.o \
             $(B)/grader/peer/peer-tcp.o $(B)/grader/peer/peer-ready.o \
             $(B)/grader/peer/labpeer.o $(B)/grader/peer/peer-clients.o

GRADER_OBJS += $(PEER_LIB_OBJS)

$(B)/labpeer: $(PEER_OBJS) $(B)/capture/i18n.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^

BINS += $(B)/labpeer
MANS += grader/peer/labpeer.1
SAN_BINS += build/san/labpeer
TEST_DEPS += $(B)/labpeer

# labpeer tcp-clients' tests also run lab 3's reference server (built as
# the 'labs' target builds it, with the lab's own Makefile).
LAB3_REF := solutions/lab3-concurrent/tcp_server
$(LAB3_REF): solutions/lab3-concurrent/tcp_server.c labs/common/socklab.c
	$(MAKE) --no-print-directory -C solutions/lab3-concurrent \
		-f ../../labs/lab3-concurrent/Makefile
TEST_DEPS += $(LAB3_REF)
