# grader/cell/cell.mk: the cell (namespaces, confinement of student programs,
# readiness, capture) and the hostile programs its tests run.
# Library objects: append to GRADER_OBJS (the libgrader.a rule is in
# grader/module.mk, after every fragment).

CELL_SRCS := grader/cell/cell.c grader/cell/cell-ns.c \
             grader/cell/cell-fallback.c grader/cell/cell-ready.c \
             grader/cell/cell-capture.c grader/cell/run.c
GRADER_OBJS += $(CELL_SRCS:%.c=$(B)/%.o)

# Hostile "submissions": each misbehaves in one way (see its header).
CELL_HOSTILE := $(patsubst grader/cell/tests/hostile/%.c,$(B)/tests/hostile/%,\
                $(wildcard grader/cell/tests/hostile/*.c))

$(B)/tests/hostile/%: $(B)/grader/cell/tests/hostile/%.o
	@mkdir -p $(dir $@)
	$(CC) $(KIT_LDFLAGS) -o $@ $^

TEST_DEPS += $(CELL_HOSTILE)
.SECONDARY: $(CELL_HOSTILE:$(B)/tests/hostile/%=$(B)/grader/cell/tests/hostile/%.o)

# make bench: what a cell costs (open, capture start, a run, close).
$(B)/cell-bench: $(B)/grader/cell/cell-bench.o $(CELL_SRCS:%.c=$(B)/%.o) \
		$(B)/libcapture.a
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS)

bench:: $(B)/cell-bench
	@echo "== cell costs"
	@./$(B)/cell-bench 20
