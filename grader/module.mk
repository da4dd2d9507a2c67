# grader/: labgrade (the Check-based grader), labpeer (its scripted
# peers) and the cell that runs untrusted student programs.  Each part
# keeps its rules in its own fragment and adds its library objects to
# GRADER_OBJS; the library rule comes after them all, so it sees them.
#   grader/cell/      the cell: namespaces, limits, readiness, capture
#   grader/peer/      labpeer, the scripted reference peers
#   grader/labs/      the lab tests (one folder per lab), scenario, wire
#   grader/report/    the report writers, one file per format
#   grader/labgrade/  the program: engine, build step, rubric, class mode
#   grader/testkit/   the kit's Check runner and shared test harness

GRADER_OBJS :=

# A grader object sees the grader's folders and grader/param.h, never
# capture/'s headers by their bare names (capture/ has a param.h of its
# own): it includes "capture/capture.h", found through -I. .
GRADER_INCLUDES := -Igrader -Igrader/cell -Igrader/peer -Igrader/labs \
                   -Igrader/report -Igrader/labgrade -Igrader/testkit \
                   -Igrader/class
$(B)/grader/%.o: CPPFLAGS += $(GRADER_INCLUDES)

include grader/cell/cell.mk
include grader/peer/peer.mk
include grader/labs/labs.mk
include grader/labgrade/labgrade.mk
include grader/report/report.mk
include grader/testkit/testkit.mk

$(B)/libgrader.a: $(GRADER_OBJS)
	$(AR) rcs $@ $^

LIBS := $(B)/libgrader.a $(LIBS)

TEST_SRCS += $(wildcard grader/*/tests/check_*.c)
