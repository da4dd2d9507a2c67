/*
 * Autolab: the human report (Autolab shows the whole output as the
 * feedback), then the line Autolab reads, last on stdout:
 * {"scores": {"test": points, ...}, "scoreboard": [total, passed]}.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "report.h"

int
report_autolab_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	struct report_opts plain = *opt;
	size_t i;

	plain.colour = 0;
	report_text_write(f, rep, &plain);
	fputs("{\"scores\": {", f);
	for (i = 0; i < rep->ntests; i++) {
		if (i > 0)
			fputs(", ", f);
		report_json_string(f, rep->tests[i].name);
		fprintf(f, ": %g", rep->tests[i].points);
	}
	fprintf(f, "}, \"scoreboard\": [%g, %zu]}\n", rep->score, rep->passed);
	return 0;
}
