# grader/cell/cell.mk: the cell (namespaces, confinement of student programs,
# readiness, capture) and the hostile programs its tests run.
# Library objects: append to GRADER_OBJS (the libgrader.a rule is in
# grader/module.mk, after every fragment).

CELL_SRCS := grader/cell/cell.c grader/cell/cell-ns.c \
             grader/cell/cell-fallback.c grader/cell/cell-ready.c \
             grader/cell/cell-capture.c grader/cell/run.c \
             grader/cell/sandbox.c grader/cell/seccomp.c grader/cell/cgroup.c \
             grader/cell/landlock.c
GRADER_OBJS += $(CELL_SRCS:%.c=$(B)/%.o)

# The sandbox's seccomp filter is built with libseccomp: whatever links
# the cell (labgrade, the test runner, cell-bench) links libpcap too, so
# it rides on PCAP_LIBS.
SECCOMP_CFLAGS = $(shell $(PKG_CONFIG) --cflags libseccomp 2>/dev/null)
SECCOMP_LIBS   = $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null)
PCAP_LIBS     += $(SECCOMP_LIBS)
$(B)/grader/cell/seccomp.o: KIT_CFLAGS += $(SECCOMP_CFLAGS)

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
