/*
 * The lab registry (interface in lab.h): the labs that labs.mk found in
 * grader/labs/NAME/ folders, listed in the generated labs.inc as
 * LAB(symbol) lines, and LAB_HIDDEN(symbol) for a lab that has hidden
 * tests (grader/labs/NAME/hidden/NAME-hidden.c): the registry's lab then
 * holds its tests and the hidden ones after them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

#define LAB(sym) extern const struct grade_lab sym;
#define LAB_HIDDEN(sym) extern const struct grade_hidden sym##_hidden;
#include "labs.inc"
#undef LAB
#undef LAB_HIDDEN

#define LAB(sym) &sym,
#define LAB_HIDDEN(sym)
static const struct grade_lab *const lab_folders[] = {
#include "labs.inc"
};
#undef LAB
#undef LAB_HIDDEN

#define LAB(sym)
#define LAB_HIDDEN(sym) {&sym, &sym##_hidden},
static const struct {
	const struct grade_lab *lab;
	const struct grade_hidden *hidden;
} lab_hidden[] = {
#include "labs.inc"
    {NULL, NULL}};
#undef LAB
#undef LAB_HIDDEN

#define LAB_N (sizeof lab_folders / sizeof lab_folders[0])

static struct grade_lab lab_merged[LAB_N];
static const struct grade_lab *lab_all[LAB_N];
static pthread_once_t lab_once = PTHREAD_ONCE_INIT;

/* A lab with hidden tests: a copy whose table is its tests, then the
 * hidden ones (for the life of the process). */
static const struct grade_lab *
lab_with_hidden(size_t i, const struct grade_hidden *h)
{
	const struct grade_lab *l = lab_folders[i];
	struct grade_test *t = calloc(l->ntests + h->ntests, sizeof *t);

	if (t == NULL) {
		fprintf(stderr, "labgrade: out of memory\n");
		exit(1);
	}
	memcpy(t, l->tests, l->ntests * sizeof *t);
	memcpy(t + l->ntests, h->tests, h->ntests * sizeof *t);
	lab_merged[i] = *l;
	lab_merged[i].tests = t;
	lab_merged[i].ntests = l->ntests + h->ntests;
	return &lab_merged[i];
}

static void
lab_init(void)
{
	size_t i, k;

	for (i = 0; i < LAB_N; i++) {
		lab_all[i] = lab_folders[i];
		for (k = 0; lab_hidden[k].lab != NULL; k++)
			if (lab_hidden[k].lab == lab_folders[i])
				lab_all[i] =
				    lab_with_hidden(i, lab_hidden[k].hidden);
	}
}

size_t
lab_count(void)
{
	pthread_once(&lab_once, lab_init);
	return LAB_N;
}

const struct grade_lab *
lab_at(size_t i)
{
	pthread_once(&lab_once, lab_init);
	return i < lab_count() ? lab_all[i] : NULL;
}

const struct grade_lab *
lab_find(const char *name)
{
	size_t i, n;

	pthread_once(&lab_once, lab_init);
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
	size_t i, used = 0, n = lab_count(); /* (lab_init) */

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0       ? ""
		    : i + 1 == n ? " or "
		                 : ", ",
		    lab_all[i]->name);
	return buf;
}
