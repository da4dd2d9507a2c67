/*
 * The lab registry (interface in lab.h): the labs that labs.mk found in
 * grader/labs/NAME/ folders, listed in the generated labs.inc as
 * LAB(symbol) lines.
 */
#include <stdio.h>
#include <string.h>

#include "lab.h"

#define LAB(sym) extern const struct grade_lab sym;
#include "labs.inc"
#undef LAB

#define LAB(sym) &sym,
static const struct grade_lab *const lab_all[] = {
#include "labs.inc"
};
#undef LAB

size_t
lab_count(void)
{
	return sizeof lab_all / sizeof lab_all[0];
}

const struct grade_lab *
lab_at(size_t i)
{
	return i < lab_count() ? lab_all[i] : NULL;
}

const struct grade_lab *
lab_find(const char *name)
{
	size_t i, n;

	for (i = 0; i < lab_count(); i++)
		if (strcmp(lab_all[i]->name, name) == 0)
			return lab_all[i];
	for (i = 0; i < lab_count(); i++) {
		n = strcspn(lab_all[i]->name, "-");
		if (lab_all[i]->name[n] == '-' && strlen(name) == n &&
		    strncmp(lab_all[i]->name, name, n) == 0)
			return lab_all[i];
	}
	return NULL;
}

size_t
lab_sources(const struct grade_lab *lab, const char **out, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < lab->nprograms; i++)
		for (j = 0; lab->programs[i].sources[j] != NULL; j++)
			if (k + 1 < n)
				out[k++] = lab->programs[i].sources[j];
	if (n > 0)
		out[k] = NULL;
	return k;
}

const char *
lab_names(char *buf, size_t len)
{
	size_t i, used = 0, n = lab_count();

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0       ? ""
		    : i + 1 == n ? " or "
		                 : ", ",
		    lab_all[i]->name);
	return buf;
}
