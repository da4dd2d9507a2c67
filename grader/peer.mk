# grader/peer.mk: build rules for this part of the grader.
