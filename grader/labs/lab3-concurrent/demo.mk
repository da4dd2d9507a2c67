# make demo's scene for lab 3 (the Makefile includes every
# grader/labs/*/demo.mk and runs the DEMO_SCENES targets after its own
# scenes).  Six clients at once, one of them idle, seen by labsniff
# --timeline: a server that serves one client at a time (lab 2's, or
# labpeer's in a student kit) stalls behind the idle one; lab 3's
# concurrent server answers them all at once.
DEMO_SCENES += demo-lab3-concurrent
DEMO_L3_CLIENTS := ./$(B)/labpeer tcp-clients 127.0.0.1 12000 --clients 6 \
	--mix pinger=5,idle=1 --count 3
ifneq ($(HAVE_SOLUTIONS),)
DEMO_L3_SEQ := solutions/lab2-tcp/tcp_server 12000
else
DEMO_L3_SEQ := ./$(B)/labpeer tcp-server 12000
endif

demo-lab3-concurrent:
	@echo; gettext "== Lab 3: six clients at once, one of them idle; a server that serves one at a time stalls behind it (the pingers time out)"; echo
	-$(DEMO_SNIFF) --timeline --exec '$(DEMO_L3_SEQ)' --exec '$(DEMO_L3_CLIENTS)'
ifneq ($(HAVE_SOLUTIONS),)
	@echo; gettext "== ... lab 3's server (one poll() loop) serves them all at once: overlapping bars (also an SVG)"; echo
	$(DEMO_SNIFF) --timeline --svg $(B)/demo-timeline.svg \
	    --exec 'solutions/lab3-concurrent/tcp_server 12000' --exec '$(DEMO_L3_CLIENTS)'
	@printf "$$(gettext "(the same timeline as a picture: %s)")\n" $(B)/demo-timeline.svg
else
	@printf '%s\n' "$$(gettext "(lab 3 turns this into overlapping bars: labs/lab3-concurrent/README.md, section 6)")"
endif
.PHONY: demo-lab3-concurrent
