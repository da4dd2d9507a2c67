# grader/labs.mk: the lab test tables (lab1.c, lab2.c), the scenario
# helpers they share (scenario.c) and the wire checks (wire.c), all in
# libgrader.a; the rubrics are installed with the grader's data.

GRADER_OBJS += $(B)/grader/lab1.o $(B)/grader/lab2.o \
               $(B)/grader/scenario.o $(B)/grader/wire.o \
               $(B)/grader/contract.o
DATA += grader/rubric/lab1-udp.rubric grader/rubric/lab2-tcp.rubric
