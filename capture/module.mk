# capture/: the capture library (decode + conversation tracking, lib.mk)
# and the labsniff program (labsniff.mk).

include capture/lib.mk
include capture/labsniff.mk

TEST_SRCS += $(wildcard capture/tests/check_*.c)
