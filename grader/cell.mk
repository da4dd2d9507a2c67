# grader/cell.mk: build rules for this part of the grader.
# Library objects: append to GRADER_OBJS (the libgrader.a rule is in
# grader/module.mk, after every fragment).
