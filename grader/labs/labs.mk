# grader/labs/labs.mk: the labs.  A lab is a folder grader/labs/NAME/ with
# NAME.c (its struct grade_lab: title, programs, tests) and NAME.rubric;
# the handout is labs/NAME/, the references solutions/NAME/.  LAB_NAMES
# is the list, found from the folders; the registry (lab.c) gets it as
# the generated labs.inc.  Also here: the scenario helpers the lab tests
# share (scenario.c) and the wire checks (wire.c), all in libgrader.a;
# the rubrics are installed with the grader's data.

LAB_NAMES := $(sort $(foreach d,$(wildcard grader/labs/*/),\
	$(if $(wildcard $(d)$(notdir $(d:/=)).c),$(notdir $(d:/=)))))

# A lab's hidden tests: grader/labs/NAME/hidden/NAME-hidden.c (its
# struct grade_hidden) and hidden/NAME.rubric; the student kit leaves
# hidden/ out (STUDENT_KIT_EXCLUDE), and its labgrade then has none.
LAB_HIDDEN_NAMES := $(foreach l,$(LAB_NAMES),\
	$(if $(wildcard grader/labs/$l/hidden/$l-hidden.c),$l))

GRADER_OBJS += $(foreach l,$(LAB_NAMES),$(B)/grader/labs/$l/$l.o) \
               $(foreach l,$(LAB_HIDDEN_NAMES),$(B)/grader/labs/$l/hidden/$l-hidden.o) \
               $(B)/grader/labs/lab.o \
               $(B)/grader/labs/scenario.o $(B)/grader/labs/pinger.o \
               $(B)/grader/labs/wire.o \
               $(B)/grader/labs/contract.o
DATA += $(foreach l,$(LAB_NAMES),grader/labs/$l/$l.rubric) \
        $(wildcard $(foreach l,$(LAB_HIDDEN_NAMES),grader/labs/$l/hidden/$l.rubric))

# labs.inc: LAB(symbol) per lab, LAB_HIDDEN(symbol) per lab with hidden
# tests, rewritten only when the list changes.
LABS_INC := $(B)/grader/labs/labs.inc
LABS_INC_LINES := $(foreach l,$(LAB_NAMES),'LAB($(subst -,_,$l))') \
	$(foreach l,$(LAB_HIDDEN_NAMES),'LAB_HIDDEN($(subst -,_,$l))')
$(LABS_INC): labs-inc-check
	@mkdir -p $(dir $@)
	@printf '%s\n' $(LABS_INC_LINES) \
		| cmp -s - $@ || printf '%s\n' $(LABS_INC_LINES) > $@
.PHONY: labs-inc-check

$(B)/grader/labs/lab.o: $(LABS_INC)
$(B)/grader/labs/lab.o: CPPFLAGS += -I$(B)/grader/labs

# The self-test's submissions, made at test time from their descriptions:
# grader/labs/LAB/broken/NAME.edit (one bug: an edit of the reference)
# into build/broken/LAB/NAME/, grader/labs/LAB/hostile/NAME.edit (a
# hostile program as one of the lab's files) into
# build/hostile-subs/LAB/NAME/ (see mksub.c).  An edit that no longer
# applies to the reference stops the build, naming the file and line.
$(B)/mksub: $(B)/grader/labs/mksub.o
	$(CC) $(KIT_LDFLAGS) -o $@ $^

SUB_DESCS := $(wildcard grader/labs/*/broken/*.edit grader/labs/*/hostile/*.edit)
$(B)/subs.stamp: $(B)/mksub $(SUB_DESCS) \
		$(foreach l,$(LAB_NAMES),$(wildcard solutions/$l/*.c)) \
		$(wildcard grader/cell/tests/hostile/*.c)
	@rm -rf $(B)/broken $(B)/hostile-subs
	@mkdir -p $(B)/broken $(B)/hostile-subs
	@for l in $(LAB_NAMES); do \
		for k in broken hostile; do \
			o=$(B)/broken; [ $$k = broken ] || o=$(B)/hostile-subs; \
			set -- grader/labs/$$l/$$k/*.edit; [ -e "$$1" ] || continue; \
			./$(B)/mksub $$l $$o/$$l "$$@" || exit 1; \
		done; \
	done
	@touch $@

TEST_DEPS += $(B)/subs.stamp
