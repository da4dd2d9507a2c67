# grader/labs.mk: build rules for the lab test tables (lab1.c, lab2.c, wire checks).
