# solutions/: the reference programs, built in place with the labs' own
# Makefiles (labs/<lab>/Makefile, see the top-level 'labs' target), and
# the contract tests of the references and the skeletons (their helpers,
# harness.h and labtest.h, are in grader/testkit/).  Only the instructor's repository has this folder.

REF_LABS += $(foreach l,$(LAB_NAMES),solutions/$l)

TEST_SRCS += $(wildcard solutions/tests/check_*.c)

$(B)/solutions/tests/%.o: CPPFLAGS += -Igrader/testkit
