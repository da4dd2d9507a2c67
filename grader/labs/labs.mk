# grader/labs/labs.mk: the lab test tables (one folder per lab), the scenario
# helpers they share (scenario.c) and the wire checks (wire.c), all in
# libgrader.a; the rubrics are installed with the grader's data.

GRADER_OBJS += $(B)/grader/labs/lab1-udp/lab1-udp.o \
               $(B)/grader/labs/lab2-tcp/lab2-tcp.o \
               $(B)/grader/labs/scenario.o $(B)/grader/labs/wire.o
DATA += grader/labs/lab1-udp/lab1-udp.rubric \
        grader/labs/lab2-tcp/lab2-tcp.rubric
