# capture/: the capture library (decode + conversation tracking, lib.mk)
# and the labsniff program (labsniff.mk).

include capture/lib.mk
include capture/labsniff.mk

# capture/'s objects (its tests and fuzz programs too) see capture/'s own
# headers, param.h included; nothing of grader/ by a bare name.
$(B)/capture/%.o: CPPFLAGS += -Icapture

TEST_SRCS += $(wildcard capture/tests/check_*.c)
