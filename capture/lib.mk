# capture/lib.mk: build rules for this part of capture/.
