# grader/cell.mk: build rules for this part of the grader.
