# solutions/: the reference programs build with their own Makefiles (see
# the top-level 'labs' target); this adds the kit's test runner and the
# contract tests of the reference programs and the skeletons.

TEST_SRCS += $(wildcard solutions/tests/check_*.c)
TEST_SUPPORT += $(B)/solutions/tests/harness.o $(B)/solutions/tests/labtest.o

# Every suite of the kit may use the shared harness: #include "harness.h".
CPPFLAGS += -Isolutions/tests
