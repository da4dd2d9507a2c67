# capture/labsniff.mk: build rules for this part of capture/.
