# grader/: labgrade (the Check-based grader), labpeer (its scripted
# peers) and the cell that runs untrusted student programs.  Each part
# keeps its rules in its own fragment.

include grader/cell.mk
include grader/peer.mk
include grader/labgrade.mk

TEST_SRCS += $(wildcard grader/tests/check_*.c)
