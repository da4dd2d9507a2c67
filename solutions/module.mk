# solutions/: the reference programs, built in place with the labs' own
# Makefiles (labs/<lab>/Makefile, see the top-level 'labs' target), the
# kit's test runner and the contract tests of the references and the
# skeletons.  Only the instructor's repository has this folder.

REF_LABS += solutions/lab1-udp solutions/lab2-tcp

TEST_SRCS += $(wildcard solutions/tests/check_*.c)
TEST_SUPPORT += $(B)/solutions/tests/harness.o $(B)/solutions/tests/labtest.o

# Every suite of the kit may use the shared harness: #include "harness.h".
CPPFLAGS += -Isolutions/tests

# A wrapper that runs a program as on a host without IPv6 (seccomp), for
# the servers' fallback to AF_INET.
$(B)/labtest-noipv6: $(B)/solutions/tests/noipv6.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^

TEST_DEPS += $(B)/labtest-noipv6
