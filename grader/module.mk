# grader/: labgrade (the Check-based grader), labpeer (its scripted
# peers) and the cell that runs untrusted student programs.  Each part
# keeps its rules in its own fragment and adds its library objects to
# GRADER_OBJS; the library rule comes after them all, so it sees them.

GRADER_OBJS :=

include grader/cell.mk
include grader/peer.mk
include grader/labgrade.mk
include grader/labs.mk

$(B)/libgrader.a: $(GRADER_OBJS)
	$(AR) rcs $@ $^

LIBS := $(B)/libgrader.a $(LIBS)

TEST_SRCS += $(wildcard grader/tests/check_*.c)
