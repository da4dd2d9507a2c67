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

# The runner over a demo suite of its own (tests/runner_demo.c), for the
# harness suite's checks of what the runner prints last and returns.
$(B)/testkit-demo/suites.inc:
	@mkdir -p $(dir $@)
	@echo 'SUITE(runner_demo)' > $@
$(B)/testkit-demo/runner.o: grader/testkit/runner.c $(B)/testkit-demo/suites.inc
	$(CC) $(CPPFLAGS) $(GRADER_INCLUDES) -I$(B)/testkit-demo $(KIT_CFLAGS) -c $< -o $@
$(B)/check_runner_demo: $(B)/testkit-demo/runner.o \
    $(B)/grader/testkit/tests/runner_demo.o $(B)/grader/testkit/harness.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lpthread

TEST_DEPS += $(B)/check_runner_demo
