# grader/labgrade/labgrade.mk: labgrade (the engine, the build step, the
# rubric, class mode), its man page, and the top-level 'grade', 'gradescope'
# and 'bench' recipes.  Library objects go into libgrader.a (the rule is
# in grader/module.mk, after every fragment).

LABGRADE_SRCS := grader/labgrade/engine.c grader/labgrade/grade.c \
	grader/labgrade/grade-sched.c grader/labgrade/build.c \
	grader/labgrade/rubric.c
GRADER_OBJS += $(LABGRADE_SRCS:%.c=$(B)/%.o)

# Installed, labgrade finds the rubrics and the labs' Makefiles here.
# The stamp holds DATADIR, so a new PREFIX rebuilds labgrade.o (as git's
# GIT-CFLAGS does).
$(B)/grader/labgrade/labgrade.o: CPPFLAGS += -DLABGRADE_DATADIR='"$(DATADIR)"'
$(B)/grader/labgrade/labgrade.o: $(B)/grader/datadir.stamp
$(B)/grader/datadir.stamp: labgrade-datadir-check
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
.PHONY: labgrade-datadir-check

# class.c prints progress: it belongs to the program, not the library.
# Class mode (grader/class/: the output tree, the gradebook, the
# dashboard) belongs to the program, not the library; the cache key is
# libcrypto's HMAC-SHA256 (OpenSSL, libssl-dev).
CLASS_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard grader/class/*.c))
CRYPTO_LIBS = $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)
$(B)/labgrade: $(B)/grader/labgrade/labgrade.o $(CLASS_OBJS) \
		$(B)/libgrader.a $(B)/libcapture.a
	$(CC) $(KIT_LDFLAGS) -o $@ $^ $(PCAP_LIBS) $(CHECK_LIBS) \
		$(CRYPTO_LIBS) -lpthread

BINS += $(B)/labgrade
MANS += grader/labgrade/labgrade.1
SAN_BINS += build/san/labgrade
DATA += $(foreach l,$(LAB_NAMES),labs/$l/Makefile) \
	labs/common/socklab.c labs/common/socklab.h
TEST_DEPS += $(B)/labgrade

# make grade [LAB=NAME] [DIR=path/to/submission] [ARGS='--format json']
# (LAB: one of build/labgrade --labs; the first by default)
LAB ?= $(firstword $(LAB_NAMES))
grade: deps
	@$(MAKE) --no-print-directory $(B)/labgrade $(B)/labpeer $(B)/labsniff
	./$(B)/labgrade $(ARGS) $(LAB) $(DIR)

# make gradescope [LAB=NAME] [LATE_PENALTY=P] [LATE_MAX_DAYS=D]
# [LABGRADE_LANG=pt_BR]: the
# Gradescope autograder zip (git's tracked files, no solutions/).
GRADESCOPE_ZIP := build/gradescope-$(LAB).zip
gradescope: $(GRADESCOPE_ZIP)
	@echo "gradescope: $(GRADESCOPE_ZIP) (upload it as the autograder)"

$(GRADESCOPE_ZIP): grader/gradescope/setup.sh grader/gradescope/run_autograder \
		grader/gradescope/pack.sh $(B)/labgrade
	@mkdir -p build
	LATE_PENALTY='$(LATE_PENALTY)' LATE_MAX_DAYS='$(LATE_MAX_DAYS)' \
		LABGRADE_LANG='$(LABGRADE_LANG)' \
		LABGRADE=$(B)/labgrade sh grader/gradescope/pack.sh $(LAB) $@

.PHONY: $(GRADESCOPE_ZIP)

# Grading time: one lab (goal <= 5 s) and a class of 40 with -j 4 (goal
# <= 2 min, all 40 results identical).
bench:: $(B)/labgrade
	sh grader/bench/bench.sh $(B)/labgrade

# make contract-docs: the traceability tables of grader/labs/CONTRACT.md,
# generated from the registry (each lab's table, grader/labs/NAME/NAME.c).
contract-docs: $(B)/labgrade
	sh grader/labs/contract-docs.sh $(B)/labgrade grader/labs/CONTRACT.md
.PHONY: contract-docs
