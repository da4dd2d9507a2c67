/*
 * A similarity hint across a class, never a verdict: every submission's
 * sources as C tokens (comments and whitespace dropped, names, numbers
 * and strings each one kind), runs of SIM_K tokens hashed, the runs the
 * skeleton already has left out; each pair's share of common runs,
 * and for the top pairs the lines they share.
 */
#define _GNU_SOURCE /* open_memstream, O_DIRECTORY with -std=c11 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "class.h"
#include "param.h"
#include "rubric.h"

#define SIM_K 16         /* tokens per run: shorter runs are idiom */
#define SIM_TOP 10       /* pairs listed */
#define SIM_MIN 0.3      /* share below which a pair is not listed */
#define SIM_LINES 12     /* shared lines shown per pair */
#define SIM_MAX_SUBS 400 /* more submissions: no report (n^2 pairs) */

struct sim_tok {
	uint64_t h;
	int file, line;
};

struct sim_sub {
	struct sim_tok *tok;
	size_t ntok;
	uint64_t *runs; /* sorted, unique, skeleton's removed */
	size_t nruns;
};

static const char *const sim_keywords[] = {"auto", "break", "case", "char",
    "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "int", "long", "register", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", NULL};

static int
sim_keyword(const char *s, size_t n)
{
	size_t i;

	for (i = 0; sim_keywords[i] != NULL; i++)
		if (strlen(sim_keywords[i]) == n &&
		    strncmp(sim_keywords[i], s, n) == 0)
			return 1;
	return 0;
}

static int
sim_push(struct sim_sub *s, size_t *cap, uint64_t h, int file, int line)
{
	struct sim_tok *t;

	if (s->ntok == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		t = realloc(s->tok, *cap * sizeof *t);
		if (t == NULL)
			return -1;
		s->tok = t;
	}
	s->tok[s->ntok].h = h;
	s->tok[s->ntok].file = file;
	s->tok[s->ntok++].line = line;
	return 0;
}

/* Skip a comment or a literal starting at p; the end, lines counted. */
static const char *
sim_skip(const char *p, const char *end, int *line)
{
	char q;

	if (p[0] == '/' && p + 1 < end && p[1] == '/') {
		while (p < end && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p + 1 < end && p[1] == '*') {
		for (p += 2; p + 1 < end && !(p[0] == '*' && p[1] == '/'); p++)
			*line += *p == '\n';
		return p + 1 < end ? p + 2 : end;
	}
	q = *p++; /* a string or character literal */
	for (; p < end && *p != q && *p != '\n'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p < end && *p == q ? p + 1 : p;
}

/* One source as tokens: names (not keywords) one kind, numbers one,
 * literals one, keywords and punctuation themselves. */
static int
sim_tokens(
    struct sim_sub *s, size_t *cap, const char *src, size_t len, int file)
{
	const char *p = src, *end = src + len, *q;
	int line = 1;
	uint64_t h;

	while (p < end) {
		if (*p == '\n' || isspace((unsigned char)*p)) {
			line += *p++ == '\n';
			continue;
		}
		if ((*p == '/' && p + 1 < end &&
		        (p[1] == '/' || p[1] == '*')) ||
		    *p == '"' || *p == '\'') {
			int start = line, lit = *p == '"' || *p == '\'';

			p = sim_skip(p, end, &line);
			if (lit && sim_push(s, cap, 0x5157, file, start) < 0)
				return -1;
			continue;
		}
		q = p;
		if (isalpha((unsigned char)*p) || *p == '_') {
			while (q < end &&
			       (isalnum((unsigned char)*q) || *q == '_'))
				q++;
			h = sim_keyword(p, (size_t)(q - p))
			        ? grade_hash64(0, p, (size_t)(q - p))
			        : 0x4944;
		} else if (isdigit((unsigned char)*p)) {
			while (q < end &&
			       (isalnum((unsigned char)*q) || *q == '.'))
				q++;
			h = 0x4e55;
		} else {
			q++;
			h = grade_hash64(0, p, 1);
		}
		if (sim_push(s, cap, h, file, line) < 0)
			return -1;
		p = q;
	}
	return 0;
}

static uint64_t
sim_run(const struct sim_tok *t)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < SIM_K; i++)
		h = grade_hash64(h, &t[i].h, sizeof t[i].h);
	return h;
}

static int
sim_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
sim_has(const uint64_t *v, size_t n, uint64_t h)
{
	return bsearch(&h, v, n, sizeof *v, sim_cmp) != NULL;
}

/* The runs of s, sorted and unique, minus the skeleton's. */
static int
sim_runs(struct sim_sub *s, const struct sim_sub *skel)
{
	size_t i, n = 0;

	if (s->ntok < SIM_K)
		return 0;
	s->runs = malloc((s->ntok - SIM_K + 1) * sizeof *s->runs);
	if (s->runs == NULL)
		return -1;
	for (i = 0; i + SIM_K <= s->ntok; i++)
		s->runs[n++] = sim_run(&s->tok[i]);
	qsort(s->runs, n, sizeof *s->runs, sim_cmp);
	for (i = 0, s->nruns = 0; i < n; i++)
		if ((s->nruns == 0 || s->runs[s->nruns - 1] != s->runs[i]) &&
		    (skel == NULL ||
		        !sim_has(skel->runs, skel->nruns, s->runs[i])))
			s->runs[s->nruns++] = s->runs[i];
	return 0;
}

static size_t
sim_common(const struct sim_sub *a, const struct sim_sub *b)
{
	size_t i = 0, j = 0, n = 0;

	while (i < a->nruns && j < b->nruns) {
		if (a->runs[i] == b->runs[j]) {
			n++;
			i++;
			j++;
		} else if (a->runs[i] < b->runs[j]) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

struct sim_pair {
	size_t a, b;
	double share; /* common runs / the smaller submission's runs */
};

static int
sim_pair_cmp(const void *x, const void *y)
{
	const struct sim_pair *p = x, *q = y;

	return p->share > q->share ? -1 : p->share < q->share;
}

/* The line `line` of source `file` of a stage, shown escaped. */
static void
sim_line(FILE *f, const struct class_stage *st, int file, int line)
{
	const struct class_src *s = &st->src[file];
	const char *p = s->data, *end = s->data + s->len, *nl;
	char buf[256], shown[1024];
	int l = 1;

	while (p < end && l < line) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl != NULL ? nl + 1 : end;
		l++;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	snprintf(buf, sizeof buf, "%.*s",
	    (int)((nl != NULL ? nl : end) - p > 200
	              ? 200
	              : (nl != NULL ? nl : end) - p),
	    p);
	for (l = 0; buf[l] != '\0'; l++)
		if (buf[l] == '\t')
			buf[l] = ' ';
	class_show_name(buf, shown, sizeof shown);
	fprintf(f, "    %s:%d: %s\n", s->name, line, shown);
}

/* The lines of a that a shares with b (runs b has too). */
static void
sim_shared_lines(FILE *f, const struct sim_sub *a, const struct sim_sub *b,
    const struct class_stage *sa)
{
	int last_file = -1, last_line = -1, shown = 0;
	size_t i, k, covered_to = 0;

	for (i = 0; i + SIM_K <= a->ntok && shown < SIM_LINES; i++) {
		if (!sim_has(b->runs, b->nruns, sim_run(&a->tok[i])))
			continue;
		for (k = i > covered_to ? i : covered_to;
		     k < i + SIM_K && shown < SIM_LINES; k++) {
			if (a->tok[k].file == last_file &&
			    a->tok[k].line == last_line)
				continue;
			last_file = a->tok[k].file;
			last_line = a->tok[k].line;
			sim_line(f, sa, last_file, last_line);
			shown++;
		}
		covered_to = i + SIM_K;
	}
}

static void
sim_free(struct sim_sub *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].tok);
		free(s[i].runs);
	}
	free(s);
}

static int
sim_load(struct sim_sub *s, const struct class_stage *st)
{
	size_t cap = 0, k;

	for (k = 0; k < st->n; k++)
		if (st->src[k].state == 0 &&
		    sim_tokens(
		        s, &cap, st->src[k].data, st->src[k].len, (int)k) < 0)
			return -1;
	return 0;
}

/* OUT/similarity.txt; *top: the first pair's share (-1: none listed). */
int
class_similar_write(const struct class_book *b,
    const struct class_stage *const *stages, const struct class_stage *skel,
    int outfd, double *top)
{
	struct sim_sub *s = calloc(b->n + 1, sizeof *s), sk = {0};
	struct sim_pair *pairs = NULL;
	size_t i, j, np = 0, listed = 0, len = 0;
	char *text = NULL;
	FILE *f = NULL;
	int rc = -1;

	*top = -1;
	if (b->n > SIM_MAX_SUBS) {
		static const char too[] =
		    "More than 400 submissions: no "
		    "similarity report (it compares every "
		    "pair).\n";

		free(s);
		return class_write_file(
		    outfd, "similarity.txt", too, strlen(too));
	}
	if (s == NULL)
		goto out;
	if (skel != NULL &&
	    (sim_load(&sk, skel) < 0 || sim_runs(&sk, NULL) < 0))
		goto out;
	for (i = 0; i < b->n; i++)
		if (stages[i] != NULL && (sim_load(&s[i], stages[i]) < 0 ||
		                             sim_runs(&s[i], &sk) < 0))
			goto out;
	pairs = calloc(b->n * (b->n - 1) / 2 + 1, sizeof *pairs);
	if (pairs == NULL)
		goto out;
	for (i = 0; i < b->n; i++)
		for (j = i + 1; j < b->n; j++) {
			size_t m =
			    s[i].nruns < s[j].nruns ? s[i].nruns : s[j].nruns;

			if (m < SIM_K)
				continue; /* too little of its own to compare */
			pairs[np].a = i;
			pairs[np].b = j;
			pairs[np++].share =
			    (double)sim_common(&s[i], &s[j]) / (double)m;
		}
	qsort(pairs, np, sizeof *pairs, sim_pair_cmp);
	if ((f = open_memstream(&text, &len)) == NULL)
		goto out;
	fprintf(f,
	    "Similar pairs of submissions: a hint for a closer look, never a "
	    "verdict.\nRuns of %d C tokens (comments, whitespace, names, "
	    "numbers and strings\nignored), the skeleton's own runs left out; "
	    "share = common runs / the\nsmaller submission's runs.  Pairs "
	    "under %.0f %% are not listed.\n\n",
	    SIM_K, SIM_MIN * 100);
	for (i = 0; i < np && listed < SIM_TOP && pairs[i].share >= SIM_MIN;
	     i++, listed++) {
		const struct sim_pair *p = &pairs[i];

		if (listed == 0)
			*top = p->share;
		fprintf(f, "%.0f %%  %s  and  %s\n  lines of %s found in %s:\n",
		    p->share * 100, b->st[p->a].shown, b->st[p->b].shown,
		    b->st[p->a].shown, b->st[p->b].shown);
		sim_shared_lines(f, &s[p->a], &s[p->b], stages[p->a]);
		fputc('\n', f);
	}
	if (listed == 0)
		fputs(_("No pair shares enough to list.\n"), f);
	if (fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	rc = class_write_file(outfd, "similarity.txt", text, len);
out:
	if (f != NULL)
		fclose(f);
	free(text);
	free(pairs);
	free(sk.tok);
	free(sk.runs);
	if (s != NULL)
		sim_free(s, b->n);
	return rc;
}
