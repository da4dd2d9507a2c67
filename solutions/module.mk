# solutions/: the reference programs build with their own Makefiles (see
# the top-level 'labs' target); this adds the contract tests of the
# reference programs and the skeletons.  They stay here, beside what they
# test, so a student release (no solutions/) drops them with the
# references; their helpers (harness.h, labtest.h) are in grader/testkit/.

TEST_SRCS += $(wildcard solutions/tests/check_*.c)

$(B)/solutions/tests/%.o: CPPFLAGS += -Igrader/testkit
