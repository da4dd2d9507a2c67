# grader/report/report.mk: the report writers (report.c, one file per
# format), in libgrader.a (the rule is in grader/module.mk).

REPORT_SRCS := grader/report/report.c grader/report/report-text.c \
	grader/report/report-json.c grader/report/report-junit.c \
	grader/report/report-tap.c grader/report/report-gradescope.c \
	grader/report/report-autolab.c grader/report/report-csv.c \
	grader/report/report-tsv.c
GRADER_OBJS += $(REPORT_SRCS:%.c=$(B)/%.o)
