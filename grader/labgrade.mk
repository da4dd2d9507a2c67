# grader/labgrade.mk: labgrade (the engine, the build step, the reports,
# class mode), its man page, and the top-level 'grade', 'gradescope'
# and 'bench' recipes.  Library objects go into libgrader.a (the rule is
# in grader/module.mk, after every fragment).

LABGRADE_SRCS := grader/engine.c grader/grade.c grader/build.c \
	grader/rubric.c grader/report.c grader/report-text.c \
	grader/report-json.c grader/report-junit.c grader/report-tap.c \
	grader/report-gradescope.c grader/report-autolab.c \
	grader/report-csv.c grader/report-tsv.c
GRADER_OBJS += $(LABGRADE_SRCS:%.c=$(B)/%.o)

# Installed, labgrade finds the rubrics and the labs' Makefiles here.
# The stamp holds DATADIR, so a new PREFIX rebuilds labgrade.o (as git's
# GIT-CFLAGS does).
$(B)/grader/labgrade.o: CPPFLAGS += -DLABGRADE_DATADIR='"$(DATADIR)"'
$(B)/grader/labgrade.o: $(B)/grader/datadir.stamp
$(B)/grader/datadir.stamp: labgrade-datadir-check
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
.PHONY: labgrade-datadir-check

# class.c prints progress: it belongs to the program, not the library.
# Its output tree (grader/class/): the cache key is libcrypto's
# HMAC-SHA256 (OpenSSL, libssl-dev).
CLASS_OBJS := $(patsubst %.c,$(B)/%.o,grader/class.c \
	$(wildcard grader/class/*.c))
CRYPTO_LIBS = $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)
$(B)/labgrade: $(B)/grader/labgrade.o $(CLASS_OBJS) $(B)/libgrader.a \
		$(B)/libcapture.a
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS) $(CHECK_LIBS) \
		$(CRYPTO_LIBS) -lpthread

BINS += $(B)/labgrade
MANS += grader/labgrade.1
SAN_BINS += build/san/labgrade
DATA += solutions/lab1-udp/Makefile solutions/lab2-tcp/Makefile
TEST_DEPS += $(B)/labgrade

# make grade LAB=lab1-udp [DIR=path/to/submission] [ARGS='--format json']
LAB ?= lab1-udp
grade: deps
	@$(MAKE) --no-print-directory $(B)/labgrade $(B)/labpeer $(B)/labsniff
	./$(B)/labgrade $(ARGS) $(LAB) $(DIR)

# make gradescope [LAB=lab1-udp] [LATE_PENALTY=P] [LATE_MAX_DAYS=D]: the
# Gradescope autograder zip (git's tracked files, no solutions/).
GRADESCOPE_ZIP := build/gradescope-$(LAB).zip
gradescope: $(GRADESCOPE_ZIP)
	@echo "gradescope: $(GRADESCOPE_ZIP) (upload it as the autograder)"

$(GRADESCOPE_ZIP): grader/gradescope/setup.sh grader/gradescope/run_autograder \
		grader/gradescope/pack.sh
	@mkdir -p build
	LATE_PENALTY='$(LATE_PENALTY)' LATE_MAX_DAYS='$(LATE_MAX_DAYS)' \
		sh grader/gradescope/pack.sh $(LAB) $@

.PHONY: $(GRADESCOPE_ZIP)

# Grading time: one lab (goal <= 5 s) and a class of 40 with -j 4 (goal
# <= 2 min, all 40 results identical).
bench:: $(B)/labgrade
	sh grader/bench/bench.sh $(B)/labgrade
