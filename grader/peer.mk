# grader/peer.mk: labpeer, the scripted reference peers (peer.h).
# The option/event code and the splitmix64 generator go into libgrader.a
# (the grader builds labpeer command lines and predicts --loss with
# them); the peers themselves run as the labpeer program, inside the
# cell, so that a failure's repro command is literally the same code.

PEER_LIB_OBJS := $(B)/grader/rng.o $(B)/grader/peer-opts.o
PEER_OBJS := $(PEER_LIB_OBJS) $(B)/grader/peer-udp.o $(B)/grader/peer-tcp.o \
             $(B)/grader/peer-ready.o $(B)/grader/labpeer.o

GRADER_OBJS += $(PEER_LIB_OBJS)

$(B)/labpeer: $(PEER_OBJS)
	$(CC) $(KIT_LDFLAGS) -o $@ $^

BINS += $(B)/labpeer
MANS += grader/labpeer.1
SAN_BINS += build/san/labpeer
TEST_DEPS += $(B)/labpeer
