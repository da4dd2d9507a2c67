# grader/testkit/testkit.mk: the kit's test runner (runner.c, one Check
# run over every suite; the runner's rule is in the top Makefile), the
# harness every suite may use (harness.h: #include "harness.h" inside
# grader/, "grader/testkit/harness.h" elsewhere), the lab contract helpers
# (labtest.h), the no-IPv6 wrapper, and the testkit's own suites.  It lives
# in grader/ rather than solutions/, which a student release leaves out.

TEST_SUPPORT += $(B)/grader/testkit/harness.o $(B)/grader/testkit/labtest.o

# A wrapper that runs a program as on a host without IPv6 (seccomp), for
# the servers' fallback to AF_INET.
$(B)/labtest-noipv6: $(B)/grader/testkit/noipv6.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^

TEST_DEPS += $(B)/labtest-noipv6
